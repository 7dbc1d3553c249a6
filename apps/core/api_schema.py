"""drf-spectacular post-processing: document the error answers every operation can give.

DRF answers errors the same way everywhere, so they are added here once instead of on each
view: 400 (bad input: field messages, or a NUL character refused by the middleware), 401
(no, bad, expired or revoked token), 403 (the acting role lacks the permission), 404 (another
unit's object, a missing one, a page past the end), 415 (a body in a media type the operation
does not take). An operation that documents one of them itself keeps its own."""

from __future__ import annotations

ERROR = {
    "type": "object",
    "description": "一条错误信息。",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "description": "输入有误：按字段列出的错误信息（或一组错误信息）。",
    "anyOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {"type": "string"}},
    ],
}

_REF = {"Error": {"$ref": "#/components/schemas/Error"},
        "ValidationError": {"$ref": "#/components/schemas/ValidationError"}}


def _answer(description: str, schema: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _REF[schema]}}}


ANSWERS = {
    "400": _answer("输入有误（字段错误，或请求中含有空字符）", "ValidationError"),
    "401": _answer("未提供令牌，或令牌无效、已过期、已撤销", "Error"),
    "403": _answer("当前角色无此权限", "Error"),
    "404": _answer("不存在，或不在您的管理范围内", "Error"),
    "415": _answer("不支持的请求体格式", "Error"),
}


def document_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            if method not in {"get", "put", "patch", "post", "delete", "head", "options", "trace"}:
                continue
            responses = operation.setdefault("responses", {})
            wanted = ["400", "403"]  # the token exchange: 403 when the account is locked out
            names = {p.get("name") for p in operation.get("parameters", [])}
            if "{" in path or names & {"page", "format"}:  # an unknown ?format= is a 404 in DRF
                wanted.append("404")
            if operation.get("security"):  # every operation but the token exchange
                wanted.append("401")
            if "requestBody" in operation:
                wanted.append("415")
            for code in wanted:
                responses.setdefault(code, ANSWERS[code])
    return result

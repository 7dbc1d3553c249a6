def acting(request):
    user = getattr(request, "user", None)
    return {
        "acting": getattr(user, "acting", None),
        "acting_choices": getattr(user, "acting_choices", []),
    }

// Confirmation before an irreversible action, without inline script (CSP: script-src 'self').
// <button data-confirm="提交后不能修改，确定提交？"> or <form data-confirm="…">: the browser asks
// first and the form is sent only on 确定. <a data-confirm="…"> works the same for links.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-confirm]");
    if (link && !window.confirm(link.getAttribute("data-confirm"))) event.preventDefault();
  }, true);
})();

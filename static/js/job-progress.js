// Live progress bar for a background job: polls the job's status URL until it finishes.
// Figures of the job's result (numbers only) also refresh any [data-job-field="<key>"] element.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "1") return;
  var url = box.dataset.statusUrl;
  function show(id, value) { document.getElementById(id).textContent = value; }
  function fields(result) {
    Object.keys(result || {}).forEach(function (key) {
      document.querySelectorAll('[data-job-field="' + key.replace(/[^\w-]/g, "") + '"]').forEach(function (el) {
        el.textContent = result[key];
      });
    });
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        document.getElementById("job-progress").value = s.percent;
        show("job-percent", s.percent);
        show("job-done", s.done);
        show("job-total", s.total);
        show("job-status", s.status_display);
        fields(s.result);
        if (s.error) { var e = document.getElementById("job-error"); e.textContent = s.error; e.hidden = false; }
        if (s.has_file) document.getElementById("job-download").hidden = false;
        if (!s.finished) setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();

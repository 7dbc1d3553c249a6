// Live progress bar for a background job: polls the job's status URL until it finishes.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "1") return;
  var url = box.dataset.statusUrl;
  function show(id, value) { document.getElementById(id).textContent = value; }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        document.getElementById("job-progress").value = s.percent;
        show("job-percent", s.percent);
        show("job-done", s.done);
        show("job-total", s.total);
        show("job-status", s.status_display);
        if (s.error) { var e = document.getElementById("job-error"); e.textContent = s.error; e.hidden = false; }
        if (s.has_file) document.getElementById("job-download").hidden = false;
        if (!s.finished) setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();

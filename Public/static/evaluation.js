// Live progress for /evaluations/{id}: follows the evaluation's server-sent
// events and updates the status and progress bar in place; reloads once the
// evaluation ends so the page shows its results. The page is complete
// without this script (it then refreshes itself every few seconds).
(function () {
  "use strict";
  var root = document.querySelector("[data-events]");
  if (!root || !window.EventSource) return;
  root.setAttribute("data-live", "connecting");
  var status = root.querySelector("[data-status]");
  var bar = root.querySelector("[data-progress]");
  var text = root.querySelector("[data-progress-text]");
  var note = root.querySelector("[data-live-note]");
  if (note) note.textContent = "(live)";

  function show(done, total) {
    bar.max = total;
    bar.value = done;
    var percent = total > 0 ? (100 * done / total).toFixed(1) : "0.0";
    text.textContent = done.toLocaleString("en-US") + " of " + total.toLocaleString("en-US") + " samples (" + percent + "%)";
  }

  var source = new EventSource(root.getAttribute("data-events") + "?after=" + encodeURIComponent(bar.value));
  source.onopen = function () { root.setAttribute("data-live", "connected"); };
  source.addEventListener("status", function (event) {
    var data = JSON.parse(event.data);
    status.textContent = data.status;
    status.className = "status status-" + data.status;
  });
  source.addEventListener("progress", function (event) {
    var data = JSON.parse(event.data);
    show(data.done, data.total);
  });
  source.addEventListener("end", function () {
    source.close();
    root.setAttribute("data-live", "ended");
    window.location.reload();
  });
})();

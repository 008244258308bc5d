// Live updates for /training-jobs/{id}: follows the job's server-sent events
// from the last event the server rendered (data-after), updates the status,
// the step counter and the latest-metrics table in place, and swaps in the
// charts as the server draws them (GET .../charts, at most every 2 s while
// metrics arrive, and once more at the end): the chart rules live only in
// Sources/Server/Pages. Closes the stream on `end`. The page is complete
// without this script (it then reloads itself every few seconds).
(function () {
  "use strict";
  var root = document.querySelector("[data-training-events]");
  if (!root || !window.EventSource) return;
  var status = root.querySelector("[data-status]");
  var steps = root.querySelector("[data-steps]");
  var progress = root.querySelector("[data-progress]");
  var note = root.querySelector("[data-live-note]");
  var errorLine = root.querySelector("[data-error]");
  var latest = root.querySelector("[data-latest]");
  var latestCaption = root.querySelector("[data-latest-caption]");
  var latestEmpty = root.querySelector("[data-latest-empty]");
  var chartsURL = root.getAttribute("data-charts-url");
  var last = Number(root.getAttribute("data-after")) || 0;
  var total = progress ? Number(progress.getAttribute("max")) : null;
  if (note) note.textContent = "(live)";
  root.setAttribute("data-live", "connecting");

  // ---- numbers, as the server writes them --------------------------------
  function grouped(n) { return n.toLocaleString("en-US"); }
  function exact(v) { // LineChart.number(exact:): whole numbers as they are, else C's %.6g
    if (v === Math.round(v) && Math.abs(v) < 1e15) return String(v);
    var parts = v.toExponential(5).split("e");
    var x = Number(parts[1]);
    if (x < -4 || x >= 6) {
      var mantissa = parts[0].replace(/\.?0+$/, "");
      return mantissa + "e" + (x < 0 ? "-" : "+") + (Math.abs(x) < 10 ? "0" : "") + Math.abs(x);
    }
    return v.toFixed(Math.max(0, 5 - x)).replace(/\.?0+$/, "");
  }
  function text(value) {
    if (typeof value === "number") return exact(value);
    if (typeof value === "string") return value;
    return JSON.stringify(value);
  }
  // ---- charts: the server's, swapped in -----------------------------------
  var scheduled = null, fetching = null, stale = false;

  function swapCharts() {
    scheduled = null;
    if (fetching) { stale = true; return fetching; }
    stale = false;
    fetching = fetch(chartsURL, { cache: "no-store" }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      // Markup from the server's own charts route, never from an event.
      var current = document.querySelector("[data-charts]");
      var fresh = html && new DOMParser().parseFromString(html, "text/html").querySelector("[data-charts]");
      if (current && fresh) current.replaceWith(document.importNode(fresh, true));
    }).catch(function () {}).then(function () {
      fetching = null;
      if (stale) return swapCharts();
    });
    return fetching;
  }

  function chartsLater() {
    if (!scheduled) scheduled = setTimeout(swapCharts, 2000);
  }

  // ---- events ---------------------------------------------------------------
  function showStatus(data) {
    if (!data || !data.status) return;
    status.textContent = data.status;
    status.className = "status status-" + data.status;
    if (data.error && errorLine) {
      errorLine.textContent = "Error: " + data.error;
      errorLine.hidden = false;
    }
  }

  function showMetric(line) {
    if (!line || typeof line.step !== "number" || !line.data) return;
    var step = line.step;
    steps.textContent = grouped(step) + (total ? " / " + grouped(total) : "");
    if (progress) progress.value = step;
    var keys = Object.keys(line.data).sort();
    while (latest.firstChild) latest.removeChild(latest.firstChild);
    keys.forEach(function (key) {
      var row = document.createElement("tr");
      row.setAttribute("data-key", key);
      var th = document.createElement("th");
      th.setAttribute("scope", "row");
      th.className = "mono";
      th.textContent = key;
      var td = document.createElement("td");
      td.className = "num";
      td.textContent = text(line.data[key]);
      row.appendChild(th);
      row.appendChild(td);
      latest.appendChild(row);
    });
    latestCaption.textContent = "The latest metric line, step " + grouped(step);
    if (latestEmpty) latestEmpty.hidden = true;
    chartsLater();
  }

  function link(holder, href, label) {
    if (!holder) return;
    while (holder.firstChild) holder.removeChild(holder.firstChild);
    var a = document.createElement("a");
    a.href = href;
    a.textContent = label;
    holder.appendChild(a);
  }

  function parse(event) {
    var id = Number(event.lastEventId);
    if (id) {
      last = id;
      root.setAttribute("data-last-event", String(id));
    }
    try { return JSON.parse(event.data); } catch (e) { return null; }
  }

  var source = new EventSource(root.getAttribute("data-training-events") + "?after=" + encodeURIComponent(last));
  source.onopen = function () { root.setAttribute("data-live", "connected"); };
  source.addEventListener("status", function (event) { showStatus(parse(event)); });
  source.addEventListener("metric", function (event) { showMetric(parse(event)); });
  source.addEventListener("log", function (event) { parse(event); });
  source.addEventListener("end", function (event) {
    var data = parse(event) || {};
    source.close();
    if (scheduled) clearTimeout(scheduled);
    showStatus(data);
    var checkpoint = root.querySelector("[data-checkpoint]");
    var evaluation = root.querySelector("[data-evaluation]");
    if (data.checkpoint_id) link(checkpoint, "/checkpoints/" + data.checkpoint_id, "checkpoint " + data.checkpoint_id);
    else if (checkpoint) checkpoint.textContent = "none";
    if (data.evaluation_id) link(evaluation, "/evaluations/" + data.evaluation_id, "evaluation " + data.evaluation_id);
    else if (evaluation) evaluation.textContent = "none";
    if (note) note.textContent = "(ended)";
    swapCharts().then(function () { root.setAttribute("data-live", "ended"); });
  });
})();

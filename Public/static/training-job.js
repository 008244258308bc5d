// Live updates for /training-jobs/{id}: follows the job's server-sent events
// from the last event the server rendered (data-after) and updates the
// status, the step counter, the latest-metrics table and the charts in
// place; closes the stream on `end`. The page is complete without this
// script (it then reloads itself every few seconds).
//
// Charts are redrawn with the rules of Sources/Server/Pages/LineChart.swift
// and ChartAxis.swift (nice 1-2-5 ticks, the same plot area, read from
// data-plot). The server draws at most 500 points per series; here a series
// that grows past 1000 points drops every other interior point (a stride),
// which keeps the first and the latest point.
(function () {
  "use strict";
  var root = document.querySelector("[data-training-events]");
  if (!root || !window.EventSource) return;
  var SVG = "http://www.w3.org/2000/svg";
  var COLORS = ["#0b5cad", "#c2410c", "#1a7f37", "#8250df"];
  var MAX_POINTS = 1000;
  var status = root.querySelector("[data-status]");
  var steps = root.querySelector("[data-steps]");
  var progress = root.querySelector("[data-progress]");
  var note = root.querySelector("[data-live-note]");
  var errorLine = root.querySelector("[data-error]");
  var latest = root.querySelector("[data-latest]");
  var latestCaption = root.querySelector("[data-latest-caption]");
  var latestEmpty = root.querySelector("[data-latest-empty]");
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
  function coordinate(v) { return String(Math.round(v * 10) / 10); }

  // ---- axes (ChartAxis.swift) --------------------------------------------
  function niceStep(rough) {
    if (!(rough > 0) || !isFinite(rough)) return 1;
    var magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    var f = rough / magnitude;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
  }
  function axis(minimum, maximum, integral) {
    var low = Math.min(minimum, maximum), high = Math.max(minimum, maximum);
    if (low === high) {
      var pad = integral ? 1 : (low === 0 ? 1 : Math.abs(low) * 0.1);
      low -= pad; high += pad;
    }
    var range = high - low;
    var fallback = { lower: low, upper: high, ticks: [low, high], step: 0 };
    if (!isFinite(range) || range <= 0) return fallback;
    var step = niceStep(range / 5);
    if (integral) step = Math.max(1, step);
    var first = Math.floor(low / step + 1e-9), lastTick = Math.ceil(high / step - 1e-9);
    if (!isFinite(first) || !isFinite(lastTick) || lastTick - first > 100) return fallback;
    var scale = Math.pow(10, decimals(step));
    function tick(multiple) { return Math.round(multiple * step * scale) / scale; }
    var ticks = [];
    for (var i = 0; i <= lastTick - first; i++) ticks.push(tick(first + i));
    return { lower: tick(first), upper: tick(lastTick), ticks: ticks, step: step };
  }
  function decimals(step) {
    return step > 0 && isFinite(step) ? Math.min(8, Math.max(0, Math.ceil(-Math.log10(step)))) : 2;
  }
  function label(ax, v) {
    var largest = Math.max(Math.abs(ax.lower), Math.abs(ax.upper));
    if (largest >= 1e7 || (ax.step > 0 && ax.step < 1e-6)) return v.toExponential(2);
    var t = v.toFixed(decimals(ax.step));
    return /^-[0.]*$/.test(t) ? t.slice(1) : t;
  }
  function position(ax, v, start, end) {
    var span = ax.upper - ax.lower;
    if (!(span > 0) || !isFinite(span)) return (start + end) / 2;
    return start + (v - ax.lower) / span * (end - start);
  }

  // ---- charts -------------------------------------------------------------
  function node(name, attributes, content) {
    var element = document.createElementNS(SVG, name);
    for (var key in attributes) element.setAttribute(key, attributes[key]);
    if (content != null) element.textContent = content;
    return element;
  }
  function parsePoints(attribute) {
    if (!attribute) return [];
    return attribute.split(" ").map(function (pair) {
      var p = pair.split(",");
      return [Number(p[0]), Number(p[1])];
    }).filter(function (p) { return isFinite(p[0]) && isFinite(p[1]); });
  }
  var charts = Array.prototype.map.call(document.querySelectorAll("svg.chart"), function (svg) {
    var plot = svg.querySelector("g.plot");
    var paths = plot.querySelectorAll("path[data-key]");
    var keys = (plot.getAttribute("data-series") || "").split(" ").filter(Boolean);
    return {
      svg: svg, plot: plot, figure: svg.parentNode, dirty: false,
      title: (svg.querySelector("title") || {}).textContent || "",
      desc: svg.querySelector("desc"),
      box: plot.getAttribute("data-plot").split(" ").map(Number),
      height: Number(svg.getAttribute("viewBox").split(" ")[3]),
      series: keys.map(function (key) {
        var points = [];
        for (var i = 0; i < paths.length; i++) {
          if (paths[i].getAttribute("data-key") === key) points = parsePoints(paths[i].getAttribute("data-points"));
        }
        return { key: key, points: points };
      })
    };
  });

  function describe(chart) {
    var parts = chart.series.map(function (s) {
      if (!s.points.length) return s.key + ": no data";
      var values = s.points.map(function (p) { return p[1]; });
      var first = s.points[0], lastPoint = s.points[s.points.length - 1];
      return s.key + ": " + s.points.length + " point" + (s.points.length === 1 ? "" : "s") + " from step " +
        exact(first[0]) + " to " + exact(lastPoint[0]) + ", latest " + exact(lastPoint[1]) + ", min " +
        exact(Math.min.apply(null, values)) + ", max " + exact(Math.max.apply(null, values));
    });
    return chart.title + " by training step. " + parts.join("; ") + ".";
  }

  function draw(chart) {
    chart.dirty = false;
    var plot = chart.plot, b = chart.box;
    var left = b[0], top = b[1], right = b[0] + b[2], bottom = b[1] + b[3];
    var all = [];
    chart.series.forEach(function (s) { all = all.concat(s.points); });
    if (!all.length) return;
    var steps = all.map(function (p) { return p[0]; }), values = all.map(function (p) { return p[1]; });
    var xa = axis(Math.min.apply(null, steps), Math.max.apply(null, steps), true);
    var ya = axis(Math.min.apply(null, values), Math.max.apply(null, values), false);
    function px(v) { return coordinate(position(xa, v, left, right)); }
    function py(v) { return coordinate(position(ya, v, bottom, top)); }
    while (plot.firstChild) plot.removeChild(plot.firstChild);
    var grid = node("g", { "class": "grid", stroke: "#dde1e6", "stroke-width": "1" });
    var yAxis = node("g", { "class": "axis axis-y", "font-size": "13", fill: "currentColor", "text-anchor": "end" });
    ya.ticks.forEach(function (t) {
      grid.appendChild(node("line", { x1: coordinate(left), y1: py(t), x2: coordinate(right), y2: py(t) }));
      yAxis.appendChild(node("text", { x: coordinate(left - 6), y: coordinate(position(ya, t, bottom, top) + 4) }, label(ya, t)));
    });
    var xAxis = node("g", { "class": "axis axis-x", "font-size": "13", fill: "currentColor", "text-anchor": "middle" });
    xAxis.appendChild(node("line", { x1: coordinate(left), y1: coordinate(bottom), x2: coordinate(right), y2: coordinate(bottom), stroke: "currentColor" }));
    xa.ticks.forEach(function (t) {
      xAxis.appendChild(node("line", { x1: px(t), y1: coordinate(bottom), x2: px(t), y2: coordinate(bottom + 5), stroke: "currentColor" }));
      xAxis.appendChild(node("text", { x: px(t), y: coordinate(bottom + 18) }, label(xa, t)));
    });
    xAxis.appendChild(node("text", { "class": "axis-label", x: coordinate(left + b[2] / 2), y: coordinate(chart.height - 8) }, "step"));
    var lines = node("g", { "class": "series", fill: "none", "stroke-width": "2", "stroke-linejoin": "round" });
    chart.series.forEach(function (s, index) {
      if (!s.points.length) return;
      var color = COLORS[index % COLORS.length];
      var d = s.points.map(function (p, i) { return (i ? "L" : "M") + px(p[0]) + "," + py(p[1]); }).join(" ");
      var data = s.points.map(function (p) { return exact(p[0]) + "," + exact(p[1]); }).join(" ");
      lines.appendChild(node("path", { "class": "line s" + index, d: d, stroke: color, "data-key": s.key, "data-points": data }));
      var end = s.points[s.points.length - 1];
      lines.appendChild(node("circle", { "class": "dot s" + index, cx: px(end[0]), cy: py(end[1]), r: "3", fill: color, stroke: "none" }));
    });
    plot.appendChild(grid);
    plot.appendChild(yAxis);
    plot.appendChild(xAxis);
    plot.appendChild(lines);
    if (chart.desc) chart.desc.textContent = describe(chart);
    if (chart.figure && chart.figure.hidden) chart.figure.hidden = false;
  }

  var scheduled = null;
  function flush() {
    scheduled = null;
    charts.forEach(function (chart) { if (chart.dirty) draw(chart); });
  }

  function thin(points) {
    if (points.length <= MAX_POINTS) return points;
    return points.filter(function (p, i) { return i === 0 || i === points.length - 1 || i % 2 === 0; });
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
    charts.forEach(function (chart) {
      chart.series.forEach(function (s) {
        var value = line.data[s.key];
        if (typeof value !== "number" || !isFinite(value) || !isFinite(step)) return;
        s.points.push([step, value]);
        s.points = thin(s.points);
        chart.dirty = true;
      });
    });
    if (!scheduled) scheduled = setTimeout(flush, 250);
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
    flush();
    showStatus(data);
    var checkpoint = root.querySelector("[data-checkpoint]");
    var evaluation = root.querySelector("[data-evaluation]");
    if (data.checkpoint_id) link(checkpoint, "/checkpoints/" + data.checkpoint_id, "checkpoint " + data.checkpoint_id);
    else if (checkpoint) checkpoint.textContent = "none";
    if (data.evaluation_id) link(evaluation, "/evaluations/" + data.evaluation_id, "evaluation " + data.evaluation_id);
    else if (evaluation) evaluation.textContent = "none";
    if (note) note.textContent = "(ended)";
    root.setAttribute("data-live", "ended");
  });
})();

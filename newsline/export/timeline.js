/* newsline export: draws the embedded timeline data; no network, no libraries. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("timeline-data").textContent);
  var TYPES = ["meeting", "agreement", "sanctions", "military"];
  var DAY = 86400000, ROW = 30, MIN_WIDTH = 900;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function time(iso) { return Date.parse(iso + "T00:00:00Z"); }
  function when(e) { return e.undated ? e.sort_date + "*" : e.date; }
  function label(e) { return e.type + "/" + e.subtype + " " + when(e); }

  var events = data.events;
  document.getElementById("summary").textContent =
    events.length + " event" + (events.length === 1 ? "" : "s") + " involving " +
    data.country + " (" + data.country_name + ")" + (data.filters ? ", " + data.filters : "") +
    (data.truncated ? "; older events left out (raise --limit)" : "");
  var chart = document.getElementById("chart");
  if (!events.length) {
    chart.appendChild(el("p", {class: "hint", text: "No events match."}));
    return;
  }

  var times = events.map(function (e) { return time(e.sort_date); });
  var lo = Math.min.apply(null, times), hi = Math.max.apply(null, times);
  var pad = Math.max((hi - lo) * 0.04, 15 * DAY);
  lo -= pad; hi += pad;
  var width = Math.max(MIN_WIDTH, chart.clientWidth - 142);
  function x(t) { return ((t - lo) / (hi - lo)) * (width - 170); }

  var axis = el("div", {class: "axis"});
  axis.style.width = width + "px";
  ticks(lo, hi).forEach(function (t) {
    var tick = el("div", {class: "tick", text: t.label});
    tick.style.left = x(t.time) + "px";
    axis.appendChild(tick);
  });
  chart.appendChild(axis);

  var marks = {};
  TYPES.forEach(function (type) {
    var lane = events.filter(function (e) { return e.type === type; });
    var body = el("div", {class: "lane-body"});
    var rows = [];  /* per row, the right edge of its last mark: marks never overlap */
    lane.forEach(function (e) {
      var left = x(time(e.sort_date));
      var mark = el("button", {class: "mark " + type + (e.undated ? " undated" : ""),
                               type: "button", "data-event-id": e.event_id,
                               title: label(e) + (e.undated ? " (undated: placed at first report)" : "")},
                    [el("span", {class: "label", text: e.subtype + " " + when(e)})]);
      var approx = 16 + 7 * (e.subtype.length + when(e).length + 1);
      var row = 0;
      while (rows[row] !== undefined && rows[row] > left) row++;
      rows[row] = left + approx + 6;
      mark.style.left = left + "px";
      mark.style.top = (6 + row * ROW) + "px";
      mark.addEventListener("click", function () { show(e); });
      marks[e.event_id] = mark;
      body.appendChild(mark);
    });
    body.style.height = Math.max(1, rows.length) * ROW + 12 + "px";
    body.style.width = width + "px";
    chart.appendChild(el("div", {class: "lane", "data-type": type},
                         [el("div", {class: "lane-name", text: type + " (" + lane.length + ")"}), body]));
  });

  var table = el("table", {}, [el("tr", {}, ["date", "event", "countries", "sources", "confidence"]
    .map(function (h) { return el("th", {text: h}); }))]);
  var rowsById = {};
  events.forEach(function (e) {
    var tr = el("tr", {class: "row", "data-event-id": e.event_id}, [
      el("td", {text: when(e)}), el("td", {text: e.type + "/" + e.subtype}),
      el("td", {text: e.countries.join(" ")}), el("td", {text: String(e.source_count)}),
      el("td", {text: e.confidence.toFixed(2)})]);
    tr.addEventListener("click", function () { show(e); });
    rowsById[e.event_id] = tr;
    table.appendChild(tr);
  });
  document.getElementById("list").appendChild(table);

  function show(e) {
    Object.keys(marks).forEach(function (id) { marks[id].classList.toggle("selected", id === e.event_id); });
    Object.keys(rowsById).forEach(function (id) { rowsById[id].classList.toggle("selected", id === e.event_id); });
    var panel = document.getElementById("details");
    panel.textContent = "";
    panel.setAttribute("data-event-id", e.event_id);
    panel.appendChild(el("h2", {text: e.type + "/" + e.subtype + " — " +
      (e.undated ? "undated, first reported " + e.sort_date : e.date + " (" + e.date_precision + ")")}));
    var facts = [["countries", e.countries.join(" ")], ["location", e.location || "-"],
                 ["confidence", e.confidence.toFixed(2)], ["sources", String(e.source_count)],
                 ["id", e.event_id]];
    var dl = el("dl");
    facts.forEach(function (f) { dl.appendChild(el("dt", {text: f[0]})); dl.appendChild(el("dd", {text: f[1]})); });
    panel.appendChild(dl);
    panel.appendChild(el("h3", {text: "Actors"}));
    panel.appendChild(el("ul", {class: "actors"}, e.actors.map(function (a) {
      return el("li", {text: a.role + ": " + a.names.join(" / ") + " (" + a.code + ")" + (a.title ? ", " + a.title : "")});
    })));
    panel.appendChild(el("h3", {text: "Sources (" + e.sources.length + ")"}));
    e.sources.forEach(function (s) {
      var about = [s.outlet, s.lang, s.reported_at ? "reported " + s.reported_at : null]
        .filter(Boolean).join(", ");
      panel.appendChild(el("div", {class: "source"}, [
        el("div", {text: (s.title || s.article_id) + (about ? " — " + about : "")}),
        s.url ? el("div", {class: "meta", text: s.url}) : null,
        el("blockquote", {class: "evidence", text: s.evidence}),
        el("div", {class: "meta", text: [s.trigger ? "trigger “" + s.trigger + "”" : null, s.rule,
          s.extractor, "confidence " + s.confidence.toFixed(2),
          "characters " + s.evidence_start + "–" + s.evidence_end].filter(Boolean).join(" · ")})]));
    });
  }

  function ticks(from, to) {
    var years = (to - from) / (365.25 * DAY), out = [], d = new Date(from), step;
    if (years > 2) {
      step = Math.max(1, Math.ceil(years / 12));
      for (var y = d.getUTCFullYear() + 1; Date.UTC(y, 0, 1) <= to; y += step)
        out.push({time: Date.UTC(y, 0, 1), label: String(y)});
    } else {
      step = years > 1 ? 3 : 1;
      var m = d.getUTCMonth() + 1, yr = d.getUTCFullYear();
      for (var t = Date.UTC(yr, m, 1); t <= to; t = Date.UTC(yr, m, 1)) {
        var date = new Date(t);
        if (date.getUTCMonth() % step === 0)
          out.push({time: t, label: date.toISOString().slice(0, 7)});
        m += 1;
      }
    }
    return out;
  }
})();

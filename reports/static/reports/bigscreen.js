/* The big screen (数据大屏): draws the trend and the treemap (ECharts from our own static files) and refreshes
   every figure from the JSON of the same view every `data-refresh` seconds. No inline script: the first data
   come from a json_script block, the URL and the labels from data-* attributes. */
(function () {
  "use strict";
  var body = document.getElementById("sg-bigscreen");
  var first = document.getElementById("sg-bigscreen-data");
  if (!body || !first) { return; }
  var hasCharts = typeof echarts !== "undefined";
  var trendChart = null;
  var treeChart = null;
  var AXIS = { color: "#b9c8e8", fontSize: 20 };
  var PALETTE = ["#1f6feb", "#c62828", "#2e7d32", "#8e44ad", "#d4820a", "#00838f", "#5c6bc0", "#ad1457"];
  var GRIDLINE = { lineStyle: { color: "rgba(159,179,218,0.15)" } };

  function number(value) {
    return value === null || value === undefined ? "—" : Number(value).toLocaleString("en-US");
  }

  function drawTrend(data) {
    var el = document.getElementById("sg-screen-trend");
    if (!el || !hasCharts) { return; }
    if (!trendChart) { trendChart = echarts.init(el, null, { renderer: "canvas" }); }
    var points = data.trend || [];
    trendChart.setOption({
      backgroundColor: "transparent",
      textStyle: { fontSize: 20 },
      legend: { top: 0, textStyle: { color: "#e8eefc", fontSize: 20 }, data: [data.labels.month, data.labels.ytd] },
      tooltip: { trigger: "axis" },
      grid: { left: 70, right: 80, top: 50, bottom: 40 },
      xAxis: { type: "category", data: points.map(function (p) { return p.label; }), axisLabel: AXIS },
      yAxis: [
        { type: "value", minInterval: 1, axisLabel: AXIS, splitLine: GRIDLINE },
        { type: "value", minInterval: 1, axisLabel: AXIS, splitLine: { show: false } }
      ],
      series: [
        { name: data.labels.month, type: "bar", yAxisIndex: 0, barMaxWidth: 36,
          itemStyle: { color: "#ff6b5a" }, data: points.map(function (p) { return p.value; }) },
        { name: data.labels.ytd, type: "line", yAxisIndex: 1, smooth: true, symbolSize: 10,
          lineStyle: { width: 4, color: "#ffd86b" }, itemStyle: { color: "#ffd86b" },
          data: points.map(function (p) { return p.ytd; }) }
      ]
    }, true);
  }

  function drawTree(data) {
    var el = document.getElementById("sg-screen-tree");
    if (!el || !hasCharts || !data.tree) { return; }
    if (!treeChart) { treeChart = echarts.init(el, null, { renderer: "canvas" }); }
    var children = data.tree.children && data.tree.children.length ? data.tree.children : [data.tree];
    treeChart.setOption({
      backgroundColor: "transparent",
      tooltip: { formatter: function (info) { return info.name + "：" + number(info.value); } },
      series: [{
        type: "treemap", name: data.tree.name, data: children, roam: false, nodeClick: false,
        breadcrumb: { show: false }, width: "100%", height: "100%", top: 0, left: 0,
        leafDepth: 2, visibleMin: 1,
        label: { show: true, fontSize: 22, color: "#fff", formatter: function (info) {
          return info.name + "\n" + number(info.value);
        } },
        upperLabel: { show: true, height: 36, fontSize: 22, color: "#fff", formatter: function (info) {
          return info.name + "  " + number(info.value);
        } },
        levels: [
          { color: PALETTE, itemStyle: { borderColor: "#070d1f", borderWidth: 4, gapWidth: 4 } },
          { colorSaturation: [0.3, 0.65], label: { show: false },
            itemStyle: { borderColor: "#070d1f", borderWidth: 1, gapWidth: 1 } }
        ]
      }]
    }, true);
  }

  function setText(parent, selector, text) {
    var node = parent.querySelector(selector);
    if (node) { node.textContent = text; }
  }

  function drawTiles(data) {
    (data.headline || []).forEach(function (figure) {
      var tile = document.querySelector('.sg-screen-tile[data-key="' + figure.key + '"]');
      if (!tile) { return; }
      tile.setAttribute("data-value", figure.value === null ? "" : figure.value);
      setText(tile, ".sg-tile-number", figure.text);
      setText(tile, ".sg-tile-month-number", figure.month_text);
    });
  }

  function drawRanking(data) {
    var list = document.getElementById("sg-screen-ranking");
    if (!list || !data.ranking || !data.ranking.length) { return; }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    data.ranking.forEach(function (row) {
      var item = document.createElement("li");
      item.setAttribute("data-code", row.code);
      var name = document.createElement("span");
      name.className = "sg-rank-name";
      name.textContent = row.name;
      var value = document.createElement("span");
      value.className = "sg-rank-value";
      value.textContent = row.text;
      item.appendChild(name);
      item.appendChild(value);
      list.appendChild(item);
    });
  }

  function draw(data) {
    drawTiles(data);
    drawRanking(data);
    setText(document, "#sg-screen-asof", data.as_of || "—");
    setText(document, "#sg-screen-month", data.period_label || "");
    drawTrend(data);
    drawTree(data);
  }

  function refresh() {
    var stale = document.getElementById("sg-screen-stale");
    fetch(body.getAttribute("data-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) { stale.hidden = true; draw(data); })
      .catch(function () { stale.textContent = body.getAttribute("data-stale-label"); stale.hidden = false; });
  }

  draw(JSON.parse(first.textContent || "{}"));
  var seconds = parseInt(body.getAttribute("data-refresh"), 10) || 60;
  window.setInterval(refresh, seconds * 1000);
  window.addEventListener("resize", function () {
    if (trendChart) { trendChart.resize(); }
    if (treeChart) { treeChart.resize(); }
  });
})();

/* The dashboard's charts (ECharts, served from our own static files). Every bar and point links to the
   records behind it: clicking opens the drill-down page of that figure. */
(function () {
  "use strict";
  var node = document.getElementById("sg-chart-data");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent || "{}");
  var charts = [];

  // Axis labels as a Chinese reader writes them: 12,000; 68万 from ten thousand up (in Chinese).
  var wan = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;
  function compact(value) {
    if (wan && Math.abs(value) >= 10000) { return String(Math.round(value / 100) / 100) + "万"; }
    return Number(value).toLocaleString("en-US");
  }

  function goTo(list) {
    return function (params) {
      var item = list[params.dataIndex];
      // A month with nothing in it opens no empty list.
      if (item && item.url && item.value) { window.location.href = item.url; }
    };
  }

  function trendChart(el) {
    var points = data.trend || [];
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      // Two axes: the month's bars on the left, the year to date's line on the right (the year to date is
      // ten times the month by autumn; on one axis the bars would vanish).
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { data: [data.labels.month, data.labels.ytd], top: 0 },
      xAxis: { type: "category", data: points.map(function (p) { return p.month.slice(5); }) },
      yAxis: [
        { type: "value", name: data.labels.month, minInterval: 1, axisLabel: { formatter: compact },
          nameTextStyle: { color: "#c62828" } },
        { type: "value", name: data.labels.ytd, minInterval: 1, axisLabel: { formatter: compact },
          splitLine: { show: false }, nameTextStyle: { color: "#546e7a" } }
      ],
      series: [
        { name: data.labels.month, type: "bar", yAxisIndex: 0, data: points.map(function (p) { return p.value; }), itemStyle: { color: "#c62828" } },
        { name: data.labels.ytd, type: "line", yAxisIndex: 1, data: points.map(function (p) { return p.ytd; }), itemStyle: { color: "#546e7a" } }
      ]
    });
    chart.on("click", goTo(points));
    return chart;
  }

  function breakdownChart(el) {
    var rows = data.breakdown || [];
    el.style.height = Math.max(160, rows.length * 26 + 40) + "px";
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "item" },
      xAxis: { type: "value", minInterval: 1, axisLabel: { formatter: compact } },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }),
               axisLabel: { width: 110, overflow: "truncate" } },
      series: [{ name: data.metric, type: "bar", data: rows.map(function (r) { return r.value; }), itemStyle: { color: "#c62828" } }]
    });
    chart.on("click", goTo(rows));
    return chart;
  }

  var trendEl = document.getElementById("sg-trend-chart");
  if (trendEl && data.trend) { charts.push(trendChart(trendEl)); }
  var breakdownEl = document.getElementById("sg-breakdown-chart");
  if (breakdownEl && data.breakdown && data.breakdown.length) { charts.push(breakdownChart(breakdownEl)); }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();

/* The heatmap opens on the chosen month (its last column), not on January, when it is wider than the screen;
   its first column (the sub-committee) stays in place (reports.css). */
(function () {
  "use strict";
  var scroller = document.getElementById("sg-heatmap-scroll");
  if (!scroller) { return; }
  var current = scroller.querySelector("thead .sg-heat-current");
  if (!current) { return; }
  var overshoot = current.getBoundingClientRect().right - scroller.getBoundingClientRect().right;
  if (overshoot > 0) { scroller.scrollLeft += overshoot + 4; }
})();

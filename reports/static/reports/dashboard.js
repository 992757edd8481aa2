/* The dashboard's charts (ECharts, served from our own static files). Every bar and point links to the
   records behind it: clicking opens the drill-down page of that figure. */
(function () {
  "use strict";
  var node = document.getElementById("sg-chart-data");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent || "{}");
  var charts = [];

  function goTo(list) {
    return function (params) {
      var item = list[params.dataIndex];
      if (item && item.url) { window.location.href = item.url; }
    };
  }

  function trendChart(el) {
    var points = data.trend || [];
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 48, right: 16, top: 32, bottom: 28 },
      tooltip: { trigger: "axis" },
      legend: { data: [data.labels.month, data.labels.ytd], top: 0 },
      xAxis: { type: "category", data: points.map(function (p) { return p.month.slice(5); }) },
      yAxis: { type: "value", name: data.unit, minInterval: 1 },
      series: [
        { name: data.labels.month, type: "bar", data: points.map(function (p) { return p.value; }), itemStyle: { color: "#c62828" } },
        { name: data.labels.ytd, type: "line", data: points.map(function (p) { return p.ytd; }), itemStyle: { color: "#546e7a" } }
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
      xAxis: { type: "value", minInterval: 1 },
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

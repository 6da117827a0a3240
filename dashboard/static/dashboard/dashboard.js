/* The dashboard's charts (ECharts served from static/, no CDN). */
(function () {
  "use strict";
  var labels = document.getElementById("chart-labels").dataset;
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var charts = [];
  function num(v) { return v === null || v === undefined ? null : Number(v); }
  function make(id, option) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }
  var grid = { left: 50, right: 16, top: 36, bottom: 28, containLabel: true };
  var tooltip = { trigger: "axis" };
  var legend = { top: 0 };

  make("chart-months", {
    grid: grid, tooltip: tooltip, legend: legend,
    xAxis: { type: "category", data: data.months.labels },
    yAxis: { type: "value" },
    series: [
      { name: labels.actual, type: "bar", data: data.months.actual.map(num), itemStyle: { color: "#0d6efd" } },
      { name: labels.target, type: "line", step: "middle", symbol: "none", data: data.months.target.map(num),
        lineStyle: { type: "dashed", color: "#dc3545", width: 2 }, itemStyle: { color: "#dc3545" } }
    ]
  });
  make("chart-cumulative", {
    grid: grid, tooltip: tooltip, legend: legend,
    xAxis: { type: "category", data: data.cumulative.labels },
    yAxis: { type: "value" },
    series: [
      { name: labels.actual, type: "line", data: data.cumulative.actual.map(num), areaStyle: { opacity: 0.15 } },
      { name: labels.target, type: "line", data: data.cumulative.target.map(num), lineStyle: { type: "dashed" } }
    ]
  });
  make("chart-trend", {
    grid: grid, tooltip: tooltip, legend: legend,
    xAxis: { type: "category", data: data.trend.labels },
    yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
    series: [
      { name: labels.rate, type: "line", data: data.trend.rate.map(num), smooth: true },
      { name: labels.time, type: "line", data: data.trend.time_progress.map(num), lineStyle: { type: "dotted" }, symbol: "none" }
    ]
  });

  var funnel = make("chart-funnel", { series: [] });
  var mix = make("chart-mix", { series: [] });
  var ageing = make("chart-ageing", { series: [] });
  [funnel, mix, ageing].forEach(function (c) { if (c) { c.showLoading(); } });
  fetch(labels.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (d) {
      funnel.hideLoading(); mix.hideLoading(); ageing.hideLoading();
      funnel.setOption({
        tooltip: { trigger: "item" },
        series: [{ name: labels.expected, type: "funnel", sort: "none", left: "10%", width: "80%", top: 10, bottom: 10,
          label: { show: true, position: "inside" },
          data: d.funnel.map(function (s) { return { name: s.name, value: num(s.value) }; }) }]
      });
      mix.setOption({
        tooltip: { trigger: "item" }, legend: { type: "scroll", bottom: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"], data: d.mix.map(function (s) { return { name: s.name, value: num(s.value) }; }) }]
      });
      ageing.setOption({
        grid: grid, tooltip: tooltip,
        xAxis: { type: "category", data: d.ageing.labels },
        yAxis: { type: "value" },
        series: [{ type: "bar", data: d.ageing.values.map(num),
          itemStyle: { color: function (p) { return ["#198754", "#ffc107", "#fd7e14", "#dc3545", "#842029"][p.dataIndex]; } } }]
      });
    })
    .catch(function () { [funnel, mix, ageing].forEach(function (c) { c.hideLoading(); }); });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  // Exports are built on the server: show that the work is under way until the file arrives.
  document.querySelectorAll("a[href*='/dashboard/export/']").forEach(function (link) {
    link.addEventListener("click", function () {
      if (link.querySelector(".spinner-border")) { return; }
      var spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm me-1";
      spinner.setAttribute("role", "status");
      link.prepend(spinner);
      link.setAttribute("aria-busy", "true");
      setTimeout(function () { spinner.remove(); link.removeAttribute("aria-busy"); }, 3000);
    });
  });
})();

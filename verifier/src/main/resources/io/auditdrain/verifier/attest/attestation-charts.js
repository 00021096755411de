// Draws the attestation's charts from the JSON embedded in the page. No network: Chart.js is inlined above.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('attestation-chart-data').textContent);
  var PASS = '#2e9e62', FAIL = '#d64535', MISSING = '#b8c0cc', WARN = '#d9a21b', INK = '#1d2430';
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.size = 11;
  Chart.defaults.color = '#5b6575';
  Chart.defaults.plugins.legend.labels.boxWidth = 12;

  function day(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function time(ms) { return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC'; }

  new Chart(document.getElementById('chart-runs'), {
    type: 'bar',
    data: { labels: data.days, datasets: [
      { label: 'passed', data: data.passed, backgroundColor: PASS },
      { label: 'failed', data: data.failed, backgroundColor: FAIL },
      { label: 'missing', data: data.missing, backgroundColor: MISSING } ] },
    options: { scales: { x: { stacked: true, ticks: { maxTicksLimit: 12 } },
      y: { stacked: true, beginAtZero: true, title: { display: true, text: 'runs per day' } } } }
  });

  function spans(list, row) {
    return list.map(function (s) { return { x: [s.start, s.end], y: row, label: s.label }; });
  }
  new Chart(document.getElementById('chart-timeline'), {
    type: 'bar',
    data: { labels: ['gaps', 'failures'], datasets: [
      { label: 'no run recorded', data: spans(data.gaps, 'gaps'), backgroundColor: MISSING, borderColor: INK,
        borderWidth: 1, minBarLength: 6, barPercentage: 0.7, categoryPercentage: 1 },
      { label: 'failure', data: spans(data.failures, 'failures'), backgroundColor: FAIL, minBarLength: 6,
        barPercentage: 0.7, categoryPercentage: 1 } ] },
    options: { indexAxis: 'y', grouped: false,
      scales: { x: { type: 'linear', min: data.from, max: data.to, ticks: { maxTicksLimit: 10, callback: day } },
        y: { stacked: true } },
      plugins: { tooltip: { callbacks: { label: function (c) {
        var r = c.raw; return time(r.x[0]) + ' to ' + time(r.x[1]) + ': ' + r.label; } } } } }
  });

  new Chart(document.getElementById('chart-latency'), {
    type: 'line',
    data: { labels: data.days, datasets: [
      { label: 'median', data: data.latency_median, borderColor: PASS, backgroundColor: PASS, pointRadius: 0,
        borderWidth: 2, spanGaps: false },
      { label: 'worst', data: data.latency_worst, borderColor: WARN, backgroundColor: WARN, pointRadius: 0,
        borderWidth: 1.5 } ] },
    options: { scales: { x: { ticks: { maxTicksLimit: 12 } },
      y: { beginAtZero: true, title: { display: true, text: 'INSERT to archive, seconds' } } } }
  });

  new Chart(document.getElementById('chart-integrity'), {
    type: 'bar',
    data: { labels: data.integrity_days, datasets: [
      { label: 'valid', data: data.valid, backgroundColor: PASS },
      { label: 'with findings', data: data.with_findings, backgroundColor: FAIL },
      { label: 'pending or before the chain', data: data.other_intervals, backgroundColor: MISSING } ] },
    options: { scales: { x: { stacked: true, ticks: { maxTicksLimit: 12 } },
      y: { stacked: true, beginAtZero: true, title: { display: true, text: 'digest intervals per day' } } } }
  });
  document.documentElement.setAttribute('data-charts', 'drawn');
}());

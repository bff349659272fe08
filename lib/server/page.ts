/**
 * The demo page served at /: one HTML document with inline CSS and JS (no remote resources; the
 * CSP nonce is the only thing that varies). Class names reach the DOM through textContent only.
 * The script avoids backslashes and template literals so it can live in this TS string as is.
 */

const STYLE = `
:root { color-scheme: light dark; --fg: #1d1f23; --bg: #f6f6f4; --panel: #fff; --muted: #6a6f78; --accent: #2f6fdf; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e8e6; --bg: #17181b; --panel: #212328; --muted: #9aa0aa; --accent: #79a6ff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: baseline; gap: 12px; padding: 10px 16px; }
header h1 { font-size: 18px; margin: 0; }
#model { color: var(--muted); }
#controls { display: flex; flex-wrap: wrap; align-items: center; gap: 14px; padding: 0 16px 10px; }
.drop { border: 2px dashed var(--muted); border-radius: 8px; padding: 12px 18px; cursor: pointer; }
.drop.over { border-color: var(--accent); background: rgba(47, 111, 223, 0.08); }
.drop input { display: none; }
#status { display: flex; align-items: center; gap: 8px; min-width: 260px; }
#status.error #statusText { color: #d33; }
progress { width: 140px; }
#seed { width: 7em; }
.button { display: inline-block; padding: 6px 12px; border-radius: 6px; background: var(--accent); color: #fff; text-decoration: none; }
.button.disabled { opacity: 0.4; pointer-events: none; }
#summary { padding: 0 16px 8px; color: var(--muted); min-height: 1.4em; }
#summary b { color: var(--fg); font-weight: 600; }
#layout { display: flex; gap: 12px; padding: 0 16px 16px; align-items: flex-start; }
#grid { flex: 1; display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; }
figure { margin: 0; background: var(--panel); border-radius: 8px; padding: 8px; }
figcaption { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 6px; font-weight: 600; }
figcaption label { font-weight: 400; color: var(--muted); }
.stack { position: relative; line-height: 0; background: rgba(127, 127, 127, 0.15); min-height: 120px; cursor: crosshair; }
.stack img { width: 100%; display: block; }
.stack img.top { position: absolute; left: 0; top: 0; height: 100%; }
.stack img:not([src]) { visibility: hidden; }
.marker { position: absolute; width: 9px; height: 9px; margin: -5px 0 0 -5px; border: 2px solid #fff; border-radius: 50%;
  box-shadow: 0 0 0 1px #000; pointer-events: none; display: none; }
.bar { display: flex; align-items: center; gap: 6px; margin-top: 6px; color: var(--muted); font-size: 12px; }
.bar img { height: 12px; flex: 1; min-width: 0; }
#legend { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 4px; vertical-align: -2px;
  box-shadow: inset 0 0 0 1px rgba(0, 0, 0, 0.3); }
#hover { width: 320px; flex: none; background: var(--panel); border-radius: 8px; padding: 10px; position: sticky; top: 8px; font-size: 13px; }
#hover h2 { font-size: 14px; margin: 0 0 6px; }
#hover .row { display: grid; grid-template-columns: minmax(0, 1.2fr) 1fr 44px; gap: 6px; align-items: center; margin: 2px 0; }
#hover .row .fill { height: 10px; background: var(--accent); border-radius: 2px; }
#hover .row .num { text-align: right; font-variant-numeric: tabular-nums; }
#hover .row.top { font-weight: 600; }
#hover dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 0 0 8px; }
#hover dd { margin: 0; font-variant-numeric: tabular-nums; }
@media (max-width: 800px) { #layout { flex-direction: column; } #hover { width: 100%; position: static; } }
`;

const BODY = `
<header><h1>segnet-uq</h1><span id="model">loading the model card...</span></header>
<section id="controls">
  <label id="drop" class="drop" tabindex="0">Drop a road photo here, or <u>pick a file</u> (PNG or JPEG)
    <input id="file" type="file" accept="image/png,image/jpeg"></label>
  <label>Samples <input id="samples" type="range" min="1" max="50" value="10"> <output id="samplesOut">10</output></label>
  <label>Seed <input id="seed" type="number" min="0" max="4294967295" value="0"></label>
  <div id="status"><progress id="progress" max="1" value="0"></progress><span id="statusText">Pick an image.</span></div>
  <a id="download" class="button disabled" href="#" download>Download maps + JSON</a>
</section>
<section id="summary"></section>
<div id="layout">
  <main id="grid">
    <figure><figcaption>Photo
      <label>overlay <select id="overlayMap">
        <option value="classMap">class map</option><option value="entropy">entropy</option>
        <option value="mutualInformation">mutual information</option><option value="variance">variance</option>
      </select></label>
      <label>opacity <input id="opacity" type="range" min="0" max="100" value="50"></label></figcaption>
      <div class="stack" data-hover><img id="photo" alt="uploaded photo"><img id="overlay" class="top" alt=""><span class="marker"></span></div></figure>
    <figure><figcaption>Class map (mean of the samples)</figcaption>
      <div class="stack" data-hover><img id="classMap" alt="class map"><span class="marker"></span></div><ul id="legend"></ul></figure>
    <figure><figcaption>Predictive entropy</figcaption>
      <div class="stack" data-hover><img id="entropy" alt="entropy heatmap"><span class="marker"></span></div>
      <div class="bar"><span id="entropyMin">0</span><img src="/assets/colorbar.png" alt="colour bar"><span id="entropyMax"></span><span>nats</span></div></figure>
    <figure><figcaption>Mutual information (model uncertainty)</figcaption>
      <div class="stack" data-hover><img id="mutualInformation" alt="mutual information heatmap"><span class="marker"></span></div>
      <div class="bar"><span id="mutualInformationMin">0</span><img src="/assets/colorbar.png" alt="colour bar"><span id="mutualInformationMax"></span><span>nats</span></div></figure>
    <figure><figcaption>Variance (mean over classes)</figcaption>
      <div class="stack" data-hover><img id="variance" alt="variance heatmap"><span class="marker"></span></div>
      <div class="bar"><span id="varianceMin">0</span><img src="/assets/colorbar.png" alt="colour bar"><span id="varianceMax"></span></div></figure>
  </main>
  <aside id="hover"><h2>Pixel</h2><p id="hoverHint">Hover over a map to see the mean class distribution and the uncertainty there.</p><div id="hoverBody"></div></aside>
</div>
`;

const SCRIPT = `
'use strict';
var $ = function (id) { return document.getElementById(id); };
var card = null, result = null, file = null, photoUrl = null, latest = null;
var MAPS = ['classMap', 'entropy', 'mutualInformation', 'variance'];

function setState(state) { document.body.setAttribute('data-state', state); }
function status(text, fraction, isError) {
  $('statusText').textContent = text;
  $('progress').value = fraction;
  $('status').className = isError ? 'error' : '';
}
function rgb(color) { return 'rgb(' + color.map(function (v) { return Math.max(0, Math.min(255, v | 0)); }).join(',') + ')'; }
function el(tag, className, text) {
  var e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = String(text);
  return e;
}
function num(v, digits) { return Number(v).toFixed(digits === undefined ? 3 : digits); }
function sci(v) { return Math.abs(v) < 0.01 && v !== 0 ? Number(v).toExponential(2) : num(v, 3); }

fetch('/api/model').then(function (r) { return r.json(); }).then(function (m) {
  if (m.error) throw new Error(m.error);
  card = m.card;
  $('model').textContent = card.name + ' - ' + card.classes.length + ' classes, input ' + card.input.width + 'x' + card.input.height
    + (m.deterministic ? ' (no dropout: every sample is the same)' : '');
  $('samples').max = String(m.limits.maxSamples);
  $('samples').value = String(m.limits.defaultSamples);
  $('samplesOut').textContent = String(m.limits.defaultSamples);
  var legend = $('legend');
  card.classes.forEach(function (c, i) {
    var li = el('li');
    var sw = el('span', 'swatch');
    sw.style.background = rgb(c.color);
    li.appendChild(sw);
    li.appendChild(document.createTextNode(c.name));
    li.setAttribute('data-index', String(i));
    legend.appendChild(li);
  });
  setState('ready');
}).catch(function (e) { status('Cannot read the model card: ' + e.message, 0, true); });

function token() {
  var a = new Uint8Array(12);
  crypto.getRandomValues(a);
  return Array.from(a, function (b) { return (b + 256).toString(16).slice(1); }).join('');
}

function pick(f) {
  if (!f) return;
  file = f;
  if (photoUrl) URL.revokeObjectURL(photoUrl);
  photoUrl = URL.createObjectURL(f);
  $('photo').src = photoUrl;
  $('overlay').removeAttribute('src');
  MAPS.forEach(function (k) { $(k).removeAttribute('src'); });
  result = null;
  run();
}

function poll(me) {
  if (me.polling || latest !== me) return;
  me.polling = true;
  fetch('/api/progress/' + me.job, { signal: me.controller.signal }).then(function (r) {
    return r.ok ? r.json() : null;
  }).then(function (p) {
    if (!p || latest !== me || me.finished) return;
    if (p.state === 'queued') status(p.position > 0 ? 'Queued (place ' + p.position + ')...' : 'Uploading...', 0);
    else if (p.state === 'decoding') status('Decoding...', 0);
    else if (p.state === 'sampling') status('Sampling ' + p.done + ' / ' + p.total + '...', p.total ? p.done / p.total : 0);
    else if (p.state === 'rendering') status('Rendering maps...', 1);
  }).catch(function () {}).then(function () { me.polling = false; });
}

function run() {
  if (!file) return;
  if (latest) { latest.controller.abort(); clearInterval(latest.timer); }
  var me = { controller: new AbortController(), job: token(), timer: 0, polling: false, finished: false };
  latest = me;
  var samples = Number($('samples').value), seed = Number($('seed').value) || 0;
  var type = file.type === 'image/png' || file.type === 'image/jpeg' ? file.type : 'application/octet-stream';
  setState('running');
  status('Uploading...', 0);
  $('download').className = 'button disabled';
  me.timer = setInterval(function () { poll(me); }, 200);
  fetch('/api/segment?samples=' + samples + '&seed=' + seed + '&job=' + me.job,
    { method: 'POST', body: file, headers: { 'Content-Type': type }, signal: me.controller.signal })
    .then(function (r) {
      return r.json().catch(function () { return { error: 'HTTP ' + r.status }; }).then(function (body) {
        if (!r.ok) {
          var retry = r.headers.get('Retry-After');
          throw new Error((body.error || 'HTTP ' + r.status) + (retry ? ' (retry after ' + retry + ' s)' : ''));
        }
        return body;
      });
    })
    .then(function (body) { if (latest === me) show(body); })
    .catch(function (e) {
      if (latest !== me || e.name === 'AbortError') return;
      status('Error: ' + e.message, 0, true);
      setState('error');
    })
    .then(function () { me.finished = true; clearInterval(me.timer); });
}

function show(r) {
  result = r;
  var loads = MAPS.map(function (k) {
    return new Promise(function (resolve) { var img = $(k); img.onload = img.onerror = resolve; img.src = r.links[k]; });
  });
  updateOverlay();
  ['entropy', 'mutualInformation', 'variance'].forEach(function (k) {
    $(k + 'Min').textContent = sci(r.ranges[k][0]);
    $(k + 'Max').textContent = sci(r.ranges[k][1]);
  });
  var s = r.summary, summary = $('summary');
  summary.textContent = '';
  [['mean entropy', num(s.meanEntropy)], ['mean MI', num(s.meanMutualInformation)], ['mean variance', sci(s.meanVariance)],
   ['mean confidence', num(s.meanConfidence)], ['samples', r.samples], ['size', r.width + 'x' + r.height],
   ['time', r.ms + ' ms (sampling ' + r.timings.sampleMs + ' ms)']].forEach(function (pair, i) {
    if (i) summary.appendChild(document.createTextNode('  |  '));
    summary.appendChild(document.createTextNode(pair[0] + ' '));
    summary.appendChild(el('b', '', pair[1]));
  });
  var dl = $('download');
  dl.href = r.links.download;
  dl.setAttribute('download', 'segnet-uq-' + r.id + '.tar');
  dl.className = 'button';
  Promise.all(loads).then(function () {
    if (result !== r) return;
    status('Done: ' + r.samples + ' samples in ' + r.ms + ' ms', 1);
    setState('done');
  });
}

function updateOverlay() {
  var o = $('overlay');
  o.style.opacity = String(Number($('opacity').value) / 100);
  if (result) o.src = result.links[$('overlayMap').value];
}

var pixel = { busy: false, next: null };
function requestPixel(x, y) {
  if (!result) return;
  if (pixel.busy) { pixel.next = [x, y]; return; }
  pixel.busy = true;
  var r = result;
  fetch(r.links.pixel + '?x=' + x + '&y=' + y).then(function (res) { return res.json(); }).then(function (p) {
    if (result === r && !p.error) showPixel(p);
  }).catch(function () {}).then(function () {
    pixel.busy = false;
    if (pixel.next) { var n = pixel.next; pixel.next = null; requestPixel(n[0], n[1]); }
  });
}

function showPixel(p) {
  $('hoverHint').style.display = 'none';
  var body = $('hoverBody');
  body.textContent = '';
  var dl = el('dl');
  [['pixel', p.x + ', ' + p.y], ['class', p.className], ['confidence', num(p.confidence)], ['entropy', num(p.entropy) + ' nats'],
   ['mutual inf.', num(p.mutualInformation) + ' nats'], ['variance', sci(p.variance)]].forEach(function (pair) {
    dl.appendChild(el('dt', '', pair[0]));
    dl.appendChild(el('dd', '', pair[1]));
  });
  body.appendChild(dl);
  var order = p.probabilities.map(function (v, i) { return i; }).sort(function (a, b) { return p.probabilities[b] - p.probabilities[a]; });
  order.forEach(function (i) {
    var row = el('div', i === p.predicted ? 'row top' : 'row');
    var name = el('span');
    var sw = el('span', 'swatch');
    if (card && card.classes[i]) sw.style.background = rgb(card.classes[i].color);
    name.appendChild(sw);
    name.appendChild(document.createTextNode(card && card.classes[i] ? card.classes[i].name : String(i)));
    var track = el('span');
    var fill = el('div', 'fill');
    fill.style.width = (100 * p.probabilities[i]).toFixed(1) + '%';
    track.appendChild(fill);
    row.appendChild(name);
    row.appendChild(track);
    row.appendChild(el('span', 'num', num(p.probabilities[i])));
    body.appendChild(row);
  });
}

document.querySelectorAll('[data-hover]').forEach(function (stack) {
  stack.addEventListener('mousemove', function (e) {
    if (!result) return;
    var rect = stack.getBoundingClientRect();
    var fx = (e.clientX - rect.left) / rect.width, fy = (e.clientY - rect.top) / rect.height;
    if (fx < 0 || fy < 0 || fx >= 1 || fy >= 1) return;
    document.querySelectorAll('.marker').forEach(function (m) {
      m.style.display = 'block';
      m.style.left = (100 * fx) + '%';
      m.style.top = (100 * fy) + '%';
    });
    requestPixel(Math.floor(fx * result.width), Math.floor(fy * result.height));
  });
});

$('file').addEventListener('change', function () { pick($('file').files[0]); });
var drop = $('drop');
['dragenter', 'dragover'].forEach(function (t) {
  document.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add('over'); });
});
['dragleave', 'drop'].forEach(function (t) {
  document.addEventListener(t, function (e) { e.preventDefault(); drop.classList.remove('over'); });
});
document.addEventListener('drop', function (e) { if (e.dataTransfer && e.dataTransfer.files.length) pick(e.dataTransfer.files[0]); });
drop.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); $('file').click(); } });
$('samples').addEventListener('input', function () { $('samplesOut').textContent = $('samples').value; });
$('samples').addEventListener('change', run);
$('seed').addEventListener('change', run);
$('opacity').addEventListener('input', updateOverlay);
$('overlayMap').addEventListener('change', updateOverlay);
`;

/** The page, with `nonce` on its inline style and script (the CSP allows nothing else). */
export function pageHtml(nonce: string): string {
  if (!/^[A-Za-z0-9+/=]+$/.test(nonce)) throw new RangeError(`nonce must be base64, got '${nonce}'`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>segnet-uq: segmentation with uncertainty</title><link rel="icon" href="data:,">
<style nonce="${nonce}">${STYLE}</style></head>
<body data-state="loading">${BODY}
<script nonce="${nonce}">${SCRIPT}</script>
</body></html>
`;
}

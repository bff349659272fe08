/**
 * The demo page's script: pick or drop a photo, POST it to /api/segment, poll /api/progress while
 * it runs, show the maps, and read /api/result/ID/pixel under the pointer. Built by
 * tsconfig.page.json (DOM types, no Node) and served inline with the CSP nonce by
 * lib/server/page.ts, so it imports types only: an inline script cannot load modules here.
 * Class names and file names reach the DOM through textContent only, never as markup.
 */
import type { GalleryResponse, ModelResponse, PixelResponse, ProgressState, SegmentResponse } from '../types';

type MapName = 'classMap' | 'entropy' | 'mutualInformation' | 'variance';
type PageState = 'loading' | 'ready' | 'running' | 'done' | 'error';
/** what an endpoint answers: its type, or `{error}` (lib/server/http-error.ts) */
type Answer<T> = T & { readonly error?: string };

/** One upload: its abort switch, the progress token it chose, and its poll timer. */
interface Job {
  readonly controller: AbortController;
  readonly job: string;
  timer: number;
  polling: boolean;
  finished: boolean;
}

const MAPS: readonly MapName[] = ['classMap', 'entropy', 'mutualInformation', 'variance'];
const HEATMAPS = ['entropy', 'mutualInformation', 'variance'] as const;

let card: ModelResponse['card'] | null = null;
let result: SegmentResponse | null = null;
let file: File | null = null;
let photoUrl: string | null = null;
let latest: Job | null = null;

/** The element with this id (index.html has them all; a missing one is a bug of the page). */
function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no element #${id}`);
  return e as T;
}

function setState(state: PageState): void { document.body.setAttribute('data-state', state); }

function showStatus(text: string, fraction: number, isError = false): void {
  $('statusText').textContent = text;
  $<HTMLProgressElement>('progress').value = fraction;
  $('status').className = isError ? 'error' : '';
}

function rgb(color: readonly number[]): string { return `rgb(${color.map((v) => Math.max(0, Math.min(255, v | 0))).join(',')})`; }

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string | number): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = String(text);
  return e;
}

function num(v: number, digits = 3): string { return Number(v).toFixed(digits); }
function sci(v: number): string { return Math.abs(v) < 0.01 && v !== 0 ? Number(v).toExponential(2) : num(v, 3); }

/** A swatch of the class's colour, or a blank one for a class the card does not name. */
function swatch(color?: readonly number[]): HTMLSpanElement {
  const sw = el('span', 'swatch');
  if (color) sw.style.background = rgb(color);
  return sw;
}

fetch('/api/model').then((r) => r.json() as Promise<Answer<ModelResponse>>).then((m) => {
  if (m.error) throw new Error(m.error);
  const c = m.card;
  card = c;
  $('model').textContent = `${c.name} - ${c.classes.length} classes, input ${c.input.width}x${c.input.height}`
    + (m.deterministic ? ' (no dropout: every sample is the same)' : '');
  const samples = $<HTMLInputElement>('samples');
  samples.max = String(m.limits.maxSamples);
  samples.value = String(m.limits.defaultSamples);
  $('samplesOut').textContent = String(m.limits.defaultSamples);
  const legend = $('legend');
  c.classes.forEach((cls, i) => {
    const li = el('li');
    li.appendChild(swatch(cls.color));
    li.appendChild(document.createTextNode(cls.name));
    li.setAttribute('data-index', String(i));
    legend.appendChild(li);
  });
  setState('ready');
}).catch((e: Error) => showStatus(`Cannot read the model card: ${e.message}`, 0, true));

/** A random job token for /api/progress (24 hex digits). */
function token(): string {
  const a = new Uint8Array(12);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => (b + 256).toString(16).slice(1)).join('');
}

function pick(f: File | null | undefined): void {
  if (!f) return;
  file = f;
  if (photoUrl) URL.revokeObjectURL(photoUrl);
  photoUrl = URL.createObjectURL(f);
  $<HTMLImageElement>('photo').src = photoUrl;
  $('overlay').removeAttribute('src');
  for (const k of MAPS) $(k).removeAttribute('src');
  result = null;
  run();
}

function poll(me: Job): void {
  if (me.polling || latest !== me) return;
  me.polling = true;
  fetch(`/api/progress/${me.job}`, { signal: me.controller.signal }).then((r) => (r.ok ? r.json() as Promise<ProgressState> : null)).then((p) => {
    if (!p || latest !== me || me.finished) return;
    if (p.state === 'queued') showStatus(p.position > 0 ? `Queued (place ${p.position})...` : 'Uploading...', 0);
    else if (p.state === 'decoding') showStatus('Decoding...', 0);
    else if (p.state === 'sampling') showStatus(`Sampling ${p.done} / ${p.total}...`, p.total ? p.done / p.total : 0);
    else if (p.state === 'rendering') showStatus('Rendering maps...', 1);
  }).catch(() => undefined).then(() => { me.polling = false; });
}

/** Sends the picked file with the current samples and seed; a newer run cancels the older. */
function run(): void {
  if (!file) return;
  if (latest) { latest.controller.abort(); clearInterval(latest.timer); }
  const me: Job = { controller: new AbortController(), job: token(), timer: 0, polling: false, finished: false };
  latest = me;
  const samples = Number($<HTMLInputElement>('samples').value), seed = Number($<HTMLInputElement>('seed').value) || 0;
  const type = file.type === 'image/png' || file.type === 'image/jpeg' ? file.type : 'application/octet-stream';
  setState('running');
  showStatus('Uploading...', 0);
  $('download').className = 'button disabled';
  me.timer = window.setInterval(() => poll(me), 200);
  fetch(`/api/segment?samples=${samples}&seed=${seed}&job=${me.job}`,
    { method: 'POST', body: file, headers: { 'Content-Type': type }, signal: me.controller.signal })
    .then((r) => (r.json() as Promise<Answer<SegmentResponse>>).catch(() => ({ error: `HTTP ${r.status}` })).then((body) => {
      if (!r.ok) {
        const retry = r.headers.get('Retry-After');
        throw new Error((body.error || `HTTP ${r.status}`) + (retry ? ` (retry after ${retry} s)` : ''));
      }
      return body as SegmentResponse;
    }))
    .then((body) => { if (latest === me) show(body); })
    .catch((e: Error) => {
      if (latest !== me || e.name === 'AbortError') return;
      showStatus(`Error: ${e.message}`, 0, true);
      setState('error');
    })
    .then(() => { me.finished = true; clearInterval(me.timer); });
}

function show(r: SegmentResponse): void {
  result = r;
  const loads = MAPS.map((k) => new Promise<void>((resolve) => {
    const img = $<HTMLImageElement>(k);
    img.onload = img.onerror = (): void => resolve();
    img.src = r.links[k];
  }));
  updateOverlay();
  for (const k of HEATMAPS) {
    $(`${k}Min`).textContent = sci(r.ranges[k][0]);
    $(`${k}Max`).textContent = sci(r.ranges[k][1]);
  }
  const s = r.summary, summary = $('summary');
  summary.textContent = '';
  const facts: [string, string | number][] = [['mean entropy', num(s.meanEntropy)], ['mean MI', num(s.meanMutualInformation)],
    ['mean variance', sci(s.meanVariance)], ['mean confidence', num(s.meanConfidence)], ['samples', r.samples],
    ['size', `${r.width}x${r.height}`], ['time', `${r.ms} ms (sampling ${r.timings.sampleMs} ms)`]];
  facts.forEach(([label, value], i) => {
    if (i) summary.appendChild(document.createTextNode('  |  '));
    summary.appendChild(document.createTextNode(`${label} `));
    summary.appendChild(el('b', '', value));
  });
  const dl = $<HTMLAnchorElement>('download');
  dl.href = r.links.download;
  dl.setAttribute('download', `segnet-uq-${r.id}.tar`);
  dl.className = 'button';
  void Promise.all(loads).then(() => {
    if (result !== r) return;
    showStatus(`Done: ${r.samples} samples in ${r.ms} ms`, 1);
    setState('done');
  });
}

function updateOverlay(): void {
  const o = $<HTMLImageElement>('overlay');
  o.style.opacity = String(Number($<HTMLInputElement>('opacity').value) / 100);
  if (result) o.src = result.links[$<HTMLSelectElement>('overlayMap').value as MapName];
}

/** One /pixel request at a time; the latest position asked for meanwhile goes next. */
const pixel: { busy: boolean; next: [number, number] | null } = { busy: false, next: null };

function requestPixel(x: number, y: number): void {
  if (!result) return;
  if (pixel.busy) { pixel.next = [x, y]; return; }
  pixel.busy = true;
  const r = result;
  fetch(`${r.links.pixel}?x=${x}&y=${y}`).then((res) => res.json() as Promise<Answer<PixelResponse>>).then((p) => {
    if (result === r && !p.error) showPixel(p);
  }).catch(() => undefined).then(() => {
    pixel.busy = false;
    if (pixel.next) { const [nx, ny] = pixel.next; pixel.next = null; requestPixel(nx, ny); }
  });
}

function showPixel(p: PixelResponse): void {
  $('hoverHint').style.display = 'none';
  const body = $('hoverBody');
  body.textContent = '';
  const dl = el('dl');
  const facts: [string, string][] = [['pixel', `${p.x}, ${p.y}`], ['class', p.className], ['confidence', num(p.confidence)],
    ['entropy', `${num(p.entropy)} nats`], ['mutual inf.', `${num(p.mutualInformation)} nats`], ['variance', sci(p.variance)]];
  for (const [term, value] of facts) {
    dl.appendChild(el('dt', '', term));
    dl.appendChild(el('dd', '', value));
  }
  body.appendChild(dl);
  const order = p.probabilities.map((_, i) => i).sort((a, b) => p.probabilities[b] - p.probabilities[a]);
  for (const i of order) {
    const cls = card?.classes[i];
    const row = el('div', i === p.predicted ? 'row top' : 'row');
    const name = el('span');
    name.appendChild(swatch(cls?.color));
    name.appendChild(document.createTextNode(cls ? cls.name : String(i)));
    const track = el('span');
    const fill = el('div', 'fill');
    fill.style.width = `${(100 * p.probabilities[i]).toFixed(1)}%`;
    track.appendChild(fill);
    row.appendChild(name);
    row.appendChild(track);
    row.appendChild(el('span', 'num', num(p.probabilities[i])));
    body.appendChild(row);
  }
}

document.querySelectorAll<HTMLElement>('[data-hover]').forEach((stack) => {
  stack.addEventListener('mousemove', (e) => {
    if (!result) return;
    const rect = stack.getBoundingClientRect();
    const fx = (e.clientX - rect.left) / rect.width, fy = (e.clientY - rect.top) / rect.height;
    if (fx < 0 || fy < 0 || fx >= 1 || fy >= 1) return;
    document.querySelectorAll<HTMLElement>('.marker').forEach((m) => {
      m.style.display = 'block';
      m.style.left = `${100 * fx}%`;
      m.style.top = `${100 * fy}%`;
    });
    requestPixel(Math.floor(fx * result.width), Math.floor(fy * result.height));
  });
});

const fileInput = $<HTMLInputElement>('file');
fileInput.addEventListener('change', () => pick(fileInput.files?.[0]));
const drop = $('drop');
for (const t of ['dragenter', 'dragover'] as const) document.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add('over'); });
for (const t of ['dragleave', 'drop'] as const) document.addEventListener(t, (e) => { e.preventDefault(); drop.classList.remove('over'); });
document.addEventListener('drop', (e) => { if (e.dataTransfer && e.dataTransfer.files.length) pick(e.dataTransfer.files[0]); });
drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); fileInput.click(); } });
const samplesInput = $<HTMLInputElement>('samples');
samplesInput.addEventListener('input', () => { $('samplesOut').textContent = samplesInput.value; });
samplesInput.addEventListener('change', run);
$('seed').addEventListener('change', run);
$('opacity').addEventListener('input', updateOverlay);
$('overlayMap').addEventListener('change', updateOverlay);

/** serve --gallery: a click (or "Random image") fetches an image's bytes and runs them as a picked file, through the upload. */
function pickFromGallery(id: string, name: string, button: HTMLButtonElement): void {
  document.querySelectorAll('#galleryGrid button.picked').forEach((b) => b.classList.remove('picked'));
  button.classList.add('picked');
  showStatus(`Loading ${name}...`, 0);
  fetch(`/api/gallery/${encodeURIComponent(id)}/image`).then((r) => {
    if (!r.ok) return (r.json() as Promise<{ error?: string }>).catch(() => ({ error: `HTTP ${r.status}` })).then((b) => { throw new Error(b.error || `HTTP ${r.status}`); });
    return r.blob();
  }).then((blob) => pick(new File([blob], name, { type: 'application/octet-stream' })))
    .catch((e: Error) => { showStatus(`Error: ${e.message}`, 0, true); setState('error'); });
}

fetch('/api/gallery').then((r) => (r.ok ? r.json() as Promise<GalleryResponse> : null)).then((g) => {
  if (!g || g.images.length === 0) return;
  const grid = $('galleryGrid');
  const buttons = g.images.map((image) => {
    const button = el('button'), img = el('img'); // names as text: title and alt set through the DOM
    button.type = 'button';
    button.title = img.alt = image.name;
    img.src = `/api/gallery/${encodeURIComponent(image.id)}/thumbnail.png`;
    // 2x thumbnails: shown at half their pixels
    img.onload = (): void => { img.style.width = `${img.naturalWidth / 2}px`; };
    button.appendChild(img);
    button.addEventListener('click', () => pickFromGallery(image.id, image.name, button));
    grid.appendChild(button);
    return button;
  });
  $('random').addEventListener('click', () => {
    const k = Math.floor(Math.random() * g.images.length);
    pickFromGallery(g.images[k].id, g.images[k].name, buttons[k]);
  });
  $('gallery').hidden = false;
}).catch(() => undefined);

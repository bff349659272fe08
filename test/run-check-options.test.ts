import { mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AUTO_DEFAULTS, DEFAULT_MAP_SIZE, DEFAULT_MAX_PIXELS, DEFAULT_SAMPLES, DEFAULT_SEED } from '../lib/defaults';
import { checkRunOptions } from '../lib/run/check-options';

const s = suite('checkRunOptions');
s('the defaults: samples, seed, the pixel bound, PNG maps at the default size and no .npy', () => {
  assert.equal(checkRunOptions({}), { samples: DEFAULT_SAMPLES, seed: DEFAULT_SEED, maxPixels: DEFAULT_MAX_PIXELS, files: { mapSize: DEFAULT_MAP_SIZE, saveMaps: undefined } });
});
s('what the options say: images off writes no PNG maps; --samples auto resolves to its settings; --save-maps', () => {
  const r = checkRunOptions({ samples: 'auto', seed: 7, maxPixels: 1000, images: false, mapSize: 64, saveMaps: 'probs' });
  assert.ok(typeof r.samples === 'object' && r.samples.tolerance === AUTO_DEFAULTS.tolerance && r.samples.maxSamples === AUTO_DEFAULTS.maxSamples, JSON.stringify(r.samples));
  assert.equal([r.seed, r.maxPixels, r.files], [7, 1000, { mapSize: null, saveMaps: 'probs' }]);
  assert.is(checkRunOptions({ mapSize: 64 }).files.mapSize, 64);
});
s('EXPECTED FAILURE: each bad option names its flag, before any work', () => {
  assert.throws(() => checkRunOptions({ seed: -1 }), /--seed/);
  assert.throws(() => checkRunOptions({ samples: 0 }), /--samples/);
  assert.throws(() => checkRunOptions({ samples: 20000 }), /--samples 20000 is above the limit/);
  assert.throws(() => checkRunOptions({ mapSize: 8 }), /--map-size/);
  assert.throws(() => checkRunOptions({ saveMaps: 'all' as never }), /--save-maps takes nothing or 'probs', got "all"/);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'segnet-uq-check-')), 'labels.png');
  writeFileSync(file, 'x');
  assert.throws(() => checkRunOptions({ labels: file }), /--labels .*labels\.png: not a folder/);
  // a mistyped folder: says it does not exist (was 'no such file (removed during the run?)')
  assert.throws(() => checkRunOptions({ labels: `${file}-typo` }), (e: Error) => /--labels .*labels\.png-typo: no such folder$/.test(e.message));
});
s.run();

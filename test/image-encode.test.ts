import { PNG } from 'pngjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodePng } from '../lib/image/encode';
import { throwsError } from './fixtures/throws';

function bytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 29 + 7) % 256;
  return out;
}

test('RGB, RGBA and gray round-trip through pngjs with the matching colour type', () => {
  for (const [channels, colorType] of [[3, 2], [4, 6], [1, 0]]) {
    const data = bytes(5 * 3 * channels);
    const png = encodePng({ width: 5, height: 3, data });
    assert.is(png[25], colorType, `colour type for ${channels} channels`);
    assert.is(png[24], 8);
    const back = PNG.sync.read(png);
    assert.is(back.width, 5);
    assert.is(back.height, 3);
    for (let i = 0; i < 15; i++) {
      for (let c = 0; c < 4; c++) {
        const want = channels === 1 ? (c === 3 ? 255 : data[i]) : c < channels ? data[i * channels + c] : 255;
        assert.is(back.data[i * 4 + c], want);
      }
    }
  }
});

test('a subarray view is encoded from its own bytes, 1x1 works', () => {
  const big = bytes(40);
  const png = encodePng({ width: 1, height: 1, data: big.subarray(10, 13) });
  assert.equal(Array.from(PNG.sync.read(png).data), [big[10], big[11], big[12], 255]);
});

test('EXPECTED FAILURE: data length not 1/3/4 bytes per pixel, zero size', () => {
  assert.throws(() => encodePng({ width: 2, height: 2, data: new Uint8Array(8) }), (e: unknown) => e instanceof RangeError && /expected 1, 3 or 4 bytes per pixel/.test((e as Error).message));
  assert.throws(() => encodePng({ width: 0, height: 2, data: new Uint8Array(0) }), /img\.width/);
  throwsError(() => encodePng({ width: 1, height: 1, data: [1, 2, 3] as unknown as Uint8Array }), TypeError, /^img\.data must be a Uint8Array or Buffer, got object$/);
});

test.run();

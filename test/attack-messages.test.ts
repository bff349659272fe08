/**
 * Messages that named the wrong cause (issue 25, part 9): a card whose colours are out of range
 * or repeated was accepted and every label then failed, blamed on the label; a PNG whose data
 * inflates past its declared size was refused as 'have should not go down' (zlib's internals).
 * (Labels that are pipes, devices or folders: test/attack-files.test.ts.)
 */
import { deflateSync, crc32 } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { messageOf } from './fixtures/throws';
import { validateCard } from '../lib/model/card';
import { readPng } from '../lib/image/decode-png';

const card = (colors: unknown[]): unknown => ({
  name: 'c', classes: colors.map((color, i) => ({ name: `k${i}`, color })), input: { width: 8, height: 8, mean: [0, 0, 0], std: [1, 1, 1] },
});

test('card colours: integers in 0..255 and distinct, named by field', () => {
  assert.is(messageOf(() => validateCard(card([[0, 0, 0], [300, -5, 1.5]]), 'c.json')), 'c.json: classes[1].color must be [r, g, b] of integers in 0..255, got [300,-5,1.5]');
  assert.is(messageOf(() => validateCard(card([[1, 2, 3], [0, 0, 0], [1, 2, 3]]), 'c.json')),
    'c.json: classes[2].color [1,2,3] is also the colour of classes[0]: class colours must differ');
  assert.ok(validateCard(card([[1, 2, 3], [3, 2, 1]]), 'c.json'));
});

test('a 1x1 PNG whose data inflates to 64 MB: refused by the inflate limit, so named', () => {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64 * 1024 * 1024))), chunk('IEND', Buffer.alloc(0))]);
  const message = messageOf(() => readPng(png, 'bomb.png'));
  assert.match(message, 'bomb.png: the compressed image data inflates to more than its declared size holds: refused by the inflate limit');
  assert.not.match(message, 'have should not go down');
});

test.run();

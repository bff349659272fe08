/** toSink: a sink's throw becomes the label's error entry, its cause read as every file error's is (reasonFor). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FileError } from '../lib/errors';
import { toSink, type ProcessedImage } from '../lib/run/image-step';

/** An image whose label was scored (only what toSink reads). */
const scored = (): ProcessedImage => ({ labelled: { labelFile: 'labels/a.png' } }) as unknown as ProcessedImage;
const throwing = (err: unknown) => ({ labelled: (): void => { throw err; } });

test('a FileError about the label: its reason, the entry names the label file', () => {
  const p = toSink(scored(), throwing(new FileError('labels/a.png', 'label is 4x3, its image is 5x3')));
  assert.is(p.labelled, null);
  assert.equal(p.labelError, { file: 'labels/a.png', message: 'label is 4x3, its image is 5x3' });
});

test('a FileError about another file keeps that file in the message; any other error by its message', () => {
  assert.equal(toSink(scored(), throwing(new FileError('card.json', 'no classes'))).labelError, { file: 'labels/a.png', message: 'card.json: no classes' });
  // a plain Error is read by its message, not by a look-alike field
  const lookAlike = Object.assign(new Error('the whole message'), { reason: 'a field' });
  assert.equal(toSink(scored(), throwing(lookAlike)).labelError, { file: 'labels/a.png', message: 'the whole message' });
});

test('an image without a scored label passes as it is', () => {
  const p = { labelled: null } as unknown as ProcessedImage;
  assert.is(toSink(p, throwing(new Error('never'))), p);
});

test.run();

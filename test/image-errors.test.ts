import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FileError } from '../lib/errors';
import { decodeImage } from '../lib/image';
import { ImageError, UNNAMED_IMAGE } from '../lib/image/errors';

test('ImageError: a FileError with reason, file, message and cause', () => {
  const cause = new Error('inner');
  const e = new ImageError('a/b.png', 'truncated PNG data', { cause });
  assert.instance(e, Error);
  assert.instance(e, FileError);
  assert.is(e.name, 'ImageError');
  assert.is(e.reason, 'truncated PNG data');
  assert.is(e.file, 'a/b.png');
  assert.is(e.message, 'a/b.png: truncated PNG data');
  assert.is(e.cause, cause);
  const plain = new ImageError('c.png', 'empty file (0 bytes)');
  assert.is(plain.cause, undefined);
  assert.not.ok('cause' in plain);
});

test('bytes whose caller named no file: file is UNNAMED_IMAGE, the reason as before', () => {
  const bare = new ImageError(undefined, 'not a PNG or JPEG file');
  assert.is(bare.file, UNNAMED_IMAGE);
  assert.is(bare.reason, 'not a PNG or JPEG file');
  assert.is(bare.message, `${UNNAMED_IMAGE}: not a PNG or JPEG file`);
  try {
    decodeImage(Buffer.from('definitely not an image'));
    assert.unreachable();
  } catch (err) {
    assert.instance(err, ImageError);
    assert.is((err as ImageError).file, UNNAMED_IMAGE);
    assert.is((err as ImageError).reason, 'not a PNG or JPEG file (unknown magic bytes)');
  }
});

test.run();

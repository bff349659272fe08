import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ImageError } from '../lib/image/errors';

test('ImageError: reason, file, message and cause', () => {
  const cause = new Error('inner');
  const e = new ImageError('truncated PNG data', 'a/b.png', cause);
  assert.instance(e, Error);
  assert.is(e.name, 'ImageError');
  assert.is(e.reason, 'truncated PNG data');
  assert.is(e.file, 'a/b.png');
  assert.is(e.message, 'a/b.png: truncated PNG data');
  assert.is(e.cause, cause);
  const bare = new ImageError('not a PNG or JPEG file');
  assert.is(bare.file, undefined);
  assert.is(bare.message, 'not a PNG or JPEG file');
});

test.run();

/**
 * One file-error class: every error about a file is a FileError carrying `file` and `reason`, so
 * the per-image entries read the reason instead of cutting the file name off the message.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FileError } from '../lib/errors';
import { ImageError } from '../lib/image/errors';
import { CardError } from '../lib/model/card';
import { ModelError } from '../lib/onnx/model';
import { InputError, reasonFor } from '../lib/run/inputs';
import { LabelError } from '../lib/run/labels';
import { OutDirError } from '../lib/report/out-dir';
import { OutLockedError } from '../lib/report/out-lock';

test('every file error is a FileError: file, reason, the message they make, its own name', () => {
  const kinds = [[FileError, 'FileError'], [ImageError, 'ImageError'], [CardError, 'CardError'], [ModelError, 'ModelError'],
    [LabelError, 'LabelError'], [InputError, 'InputError'], [OutDirError, 'OutDirError'], [OutLockedError, 'OutLockedError']] as const;
  for (const [Kind, name] of kinds) {
    const cause = new Error('inner');
    const e = new Kind('dir/a.png', 'truncated PNG data', { cause });
    assert.instance(e, FileError, name);
    assert.is(e.name, name);
    assert.is(e.file, 'dir/a.png');
    assert.is(e.reason, 'truncated PNG data');
    assert.is(e.message, 'dir/a.png: truncated PNG data');
    assert.is(e.cause, cause, name);
  }
});

test('a file named by a flag: the message starts with the flag, file and reason as ever', () => {
  const e = new OutDirError('/proc/x', 'cannot create the folder /proc/x: no such file', { flag: '--out' });
  assert.is(e.message, '--out /proc/x: cannot create the folder /proc/x: no such file');
  assert.is(e.flag, '--out');
  assert.is(e.file, '/proc/x');
  assert.is(e.reason, 'cannot create the folder /proc/x: no such file');
  assert.not.ok('flag' in new FileError('a', 'b'));
});

test('reasonFor: the reason of an error about the entry\'s file, the whole message otherwise', () => {
  assert.is(reasonFor(new ImageError('a.png', 'empty file (0 bytes)'), 'a.png'), 'empty file (0 bytes)');
  assert.is(reasonFor(new InputError('a.png', 'is a folder'), 'a.png'), 'is a folder');
  // about another file (the image's label): that file stays named
  assert.is(reasonFor(new LabelError('labels/a.png', 'label is 2x2, its image is 3x3'), 'a.png'), 'labels/a.png: label is 2x2, its image is 3x3');
  // a message that merely starts with the name is not cut: only a FileError knows its reason
  assert.is(reasonFor(new Error('a.png: something'), 'a.png'), 'a.png: something');
  assert.is(reasonFor('thrown text', 'a.png'), 'thrown text');
  assert.is(reasonFor(new ImageError('a.png', 'image too large: 9x9 = 81 pixels exceeds maxPixels 80'), 'a.png'),
    'image too large: 9x9 = 81 pixels exceeds maxPixels 80 (raise --max-pixels to allow it)');
});

test.run();

/** A minimal ustar writer for the download button: regular files only, names up to 100 bytes. */

export interface TarEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  block.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'utf8');
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  writeString(block, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

function header(name: string, size: number, mtime: number): Buffer {
  if (Buffer.byteLength(name) > 100 || !/^[A-Za-z0-9._/-]+$/.test(name)) throw new RangeError(`tar entry name '${name}' must be 1..100 plain characters`);
  const block = Buffer.alloc(512);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, mtime);
  block.fill(0x20, 148, 156); // checksum counted as spaces
  block.write('0', 156);
  writeString(block, 257, 6, 'ustar\0');
  writeString(block, 263, 2, '00');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += block[i];
  writeString(block, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return block;
}

/** The archive as one buffer: header + data padded to 512 bytes per file, then two zero blocks. */
export function tarArchive(entries: readonly TarEntry[], mtime = Math.floor(Date.now() / 1000)): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e.name, e.data.byteLength, mtime), Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength));
    const pad = (512 - (e.data.byteLength % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

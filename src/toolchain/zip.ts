import { inflateRawSync } from 'node:zlib';

/** One file stored in a zip archive. */
export interface ZipEntry {
  /** Path inside the archive, with forward slashes. */
  name: string;
  /** Unix mode bits from the archive (0 when the archive was not made on Unix). */
  mode: number;
  /** Reads and inflates the file's bytes. */
  read(): Buffer;
}

const END_OF_CENTRAL_DIR = 0x06054b50;
const CENTRAL_DIR_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/**
 * Lists the entries of a zip archive held in memory. Enough of the format for the layer archives we unpack
 * (no zip64, no encryption): it reads the central directory, which is authoritative for sizes and offsets.
 */
export function readZip(archive: Buffer): ZipEntry[] {
  const eocd = findEndOfCentralDirectory(archive);
  const count = archive.readUInt16LE(eocd + 10);
  let offset = archive.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(offset) !== CENTRAL_DIR_ENTRY) throw new Error(`zip: bad central directory entry ${i}`);
    const method = archive.readUInt16LE(offset + 10);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const externalAttributes = archive.readUInt32LE(offset + 38);
    const localHeader = archive.readUInt32LE(offset + 42);
    const name = archive.toString('utf8', offset + 46, offset + 46 + nameLength);
    entries.push({
      name,
      mode: externalAttributes >>> 16,
      read: () => readLocalFile(archive, localHeader, method, compressedSize, name),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findEndOfCentralDirectory(archive: Buffer): number {
  // The record sits at the end, followed by a comment of at most 64 KiB.
  const earliest = Math.max(0, archive.length - 22 - 0xffff);
  for (let at = archive.length - 22; at >= earliest; at--) {
    if (archive.readUInt32LE(at) === END_OF_CENTRAL_DIR) return at;
  }
  throw new Error('zip: end of central directory not found (not a zip archive?)');
}

function readLocalFile(archive: Buffer, header: number, method: number, size: number, name: string): Buffer {
  if (archive.readUInt32LE(header) !== LOCAL_FILE_HEADER) throw new Error(`zip: bad local header for ${name}`);
  const start = header + 30 + archive.readUInt16LE(header + 26) + archive.readUInt16LE(header + 28);
  const data = archive.subarray(start, start + size);
  if (method === STORED) return Buffer.from(data);
  if (method === DEFLATED) return inflateRawSync(data);
  throw new Error(`zip: ${name} uses unsupported compression method ${method}`);
}

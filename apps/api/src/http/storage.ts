import { accessSync, constants, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

let probes = 0;

/**
 * Below this much free space the data dir is reported as full: SQLite needs room for the write-ahead
 * log and the read models grow with every event, so a disk this close to full is about to refuse.
 */
export const MIN_FREE_BYTES = 1024 * 1024;

/** SQLite result codes (extended ones start with these) and errno codes that mean storage, not the request, failed. */
const SQLITE_CODES = ['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN'];
const ERRNO_CODES = ['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO'];

/** The error's code when it says the data dir could not be written or read. */
export function storageFaultCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (SQLITE_CODES.some((c) => code === c || code.startsWith(`${c}_`))) return code;
  return ERRNO_CODES.includes(code) ? code : undefined;
}

/**
 * What is wrong with the data dir right now, in words, or undefined when it is writable with room
 * to spare. Asked of the file system (create a file, statfs), so it holds for root too.
 */
export function dataDirFault(dir: string): string | undefined {
  try {
    accessSync(dir, constants.W_OK);
    // access() is not enough: a file system that the kernel forced read-only after an I/O error
    // (ext4 errors=remount-ro) still passes it, and root passes any mode. Creating a file does not.
    const probe = join(dir, `.write-probe-${process.pid}-${++probes}`);
    writeFileSync(probe, '', { flag: 'wx' });
    unlinkSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EROFS') return `the data directory ${dir} is on a read-only file system`;
    if (code === 'EACCES' || code === 'EPERM') return `the data directory ${dir} is not writable by this process (${code})`;
    if (code === 'ENOENT') return `the data directory ${dir} does not exist`;
    if (code === 'ENOSPC' || code === 'EDQUOT') return `the disk holding the data directory ${dir} is full (${code})`;
    return `the data directory ${dir} cannot be written (${code})`;
  }
  try {
    const fs = statfsSync(dir);
    const free = fs.bavail * fs.bsize;
    if (free < MIN_FREE_BYTES) return `the disk holding the data directory ${dir} is full (${free} bytes free)`;
  } catch {
    // statfs is not everywhere; the access check above still stands
  }
  return undefined;
}

/** The 503 detail for a storage fault: what the file system says, else what SQLite said. */
export function storageFaultDetail(code: string, message: string, dataDir: string | undefined): string {
  const why = (dataDir ? dataDirFault(dataDir) : undefined) ?? describeCode(code, message);
  return (
    `The server cannot use its storage: ${why}. ` +
    'Nothing is half-written: a write either happened whole or not at all, and retrying it later with the same Idempotency-Key never records it twice.'
  );
}

function describeCode(code: string, message: string): string {
  if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC' || code === 'EDQUOT') return `the disk is full (${code}: ${message})`;
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') return `the data is on a read-only file system (${code}: ${message})`;
  if (code === 'EACCES' || code === 'EPERM') return `the data files are not writable by this process (${code}: ${message})`;
  return `an I/O error (${code}: ${message})`;
}

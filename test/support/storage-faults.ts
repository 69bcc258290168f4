/**
 * Real storage faults for a data dir, made with the kernel rather than mocked: a size-limited tmpfs
 * filled to the last byte (ENOSPC), and an ext4 file system on a loop device that the kernel
 * forces read-only (EROFS) the way it does after an I/O error (`errors=remount-ro`).
 *
 * A third fault, permissions, runs the server as nobody (setpriv) and takes write permission away
 * from its data dir: root ignores file modes, nobody does not.
 *
 * All need root (mount, losetup, setpriv). File modes cannot make a data dir read-only for root, and a
 * read-only remount is refused while SQLite holds its files open for writing (EBUSY), hence the
 * forced emergency read-only of ext4 (/sys/fs/ext4/<dev>/trigger_fs_error, the kernel's own test
 * hook for its error path). On this kernel an emergency read-only ext4 stays read-only until it
 * is unmounted, so recovering from it means stopping the server, unmounting, checking (e2fsck),
 * mounting again and restarting; the full disk recovers in place.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (command: string, args: string[]): string => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Whether this process may mount file systems (root with CAP_SYS_ADMIN), tried on a 1 MiB tmpfs. */
export function canMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'claimline-mount-probe-'));
  try {
    run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]);
    run('umount', [probe]);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** Whether ext4 on a loop device can be made (losetup, mkfs.ext4 and the ext4 test hook exist). */
export function canMakeExt4(): boolean {
  try {
    run('losetup', ['--version']);
    run('mkfs.ext4', ['-V']);
    run('e2fsck', ['-V']);
    return existsSync('/sys/fs/ext4');
  } catch {
    return false;
  }
}

export interface FullDisk {
  /** The data dir, on the small tmpfs. */
  dir: string;
  /** Writes a filler file until the file system refuses (ENOSPC); returns the bytes written. */
  fill(): number;
  /** Removes the filler: the fault is gone. */
  free(): void;
  remove(): void;
}

/** A data dir on a tmpfs of `megabytes` MiB. */
export function tmpfsDataDir(megabytes: number): FullDisk {
  const mountPoint = mkdtempSync(join(tmpdir(), 'claimline-full-'));
  run('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m,mode=0755`, 'tmpfs', mountPoint]);
  const dir = join(mountPoint, 'data');
  mkdirSync(dir);
  const filler = join(mountPoint, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024, 0x78);
      let written = 0;
      try {
        for (let size = chunk.length; size >= 1; ) {
          try {
            written += writeSync(fd, chunk, 0, size);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
            size = Math.floor(size / 2); // down to the last byte
          }
        }
      } finally {
        closeSync(fd);
      }
      return written;
    },
    free() {
      rmSync(filler, { force: true });
    },
    remove() {
      try {
        run('umount', ['-l', mountPoint]);
      } finally {
        rmSync(mountPoint, { recursive: true, force: true });
      }
    },
  };
}

export interface ReadOnlyDisk {
  /** The data dir, on the loop-mounted ext4. */
  dir: string;
  /** The loop device, e.g. /dev/loop3. */
  device: string;
  /** The kernel remounts the file system read-only, as after an I/O error. */
  forceReadOnly(): void;
  /** Whether the kernel reports the mount read-only. */
  isReadOnly(): boolean;
  /** Unmount (the server must have let go of its files), check and repair, mount read-write again. */
  repair(): void;
  remove(): void;
}

/** A data dir on a fresh ext4 file system of `megabytes` MiB on a loop device, mounted errors=remount-ro. */
export function ext4DataDir(megabytes: number): ReadOnlyDisk {
  const work = mkdtempSync(join(tmpdir(), 'claimline-ro-'));
  const image = join(work, 'fs.img');
  const mountPoint = join(work, 'mnt');
  mkdirSync(mountPoint);
  writeFileSync(image, '');
  run('truncate', ['-s', `${megabytes}M`, image]);
  run('mkfs.ext4', ['-q', '-F', '-m', '0', image]);
  const device = run('losetup', ['--find', '--show', image]).trim();
  const mount = (): void => void run('mount', ['-o', 'errors=remount-ro', device, mountPoint]);
  mount();
  const dir = join(mountPoint, 'data');
  mkdirSync(dir, { recursive: true });
  const name = device.replace('/dev/', '');
  return {
    dir,
    device,
    forceReadOnly() {
      // Only ever the loop device made here: never the machine's own disks.
      if (!/^loop\d+$/.test(name)) throw new Error(`refusing to fault ${device}: not a loop device`);
      const hook = `/sys/fs/ext4/${name}/trigger_fs_error`;
      if (!existsSync(hook)) throw new Error(`${hook} does not exist`);
      writeFileSync(hook, 'claimline reliability test: forced read-only\n');
    },
    isReadOnly() {
      // Asked of the file system itself: the mount table may still say rw for the mount point.
      try {
        writeFileSync(join(mountPoint, '.probe'), 'x');
        rmSync(join(mountPoint, '.probe'));
        return false;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EROFS') return true;
        throw error;
      }
    },
    repair() {
      run('umount', [mountPoint]);
      try {
        run('e2fsck', ['-f', '-y', device]);
      } catch (error) {
        // Exit code 1: errors were corrected (the forced error marks the file system as having one).
        if ((error as { status?: number }).status !== 1) throw error;
      }
      mount();
    },
    remove() {
      try {
        run('umount', ['-l', mountPoint]);
      } catch {
        // not mounted
      }
      try {
        run('losetup', ['-d', device]);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
  };
}

/** Whether a server can be run as an unprivileged user here (root, with setpriv). */
export function canDropPrivileges(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', 'true']);
    return true;
  } catch {
    return false;
  }
}

/** The command prefix that runs a server as nobody (uid and gid 65534). */
export const AS_NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'];

/** Sets the modes of a tree: directories to `dirMode`, files to `fileMode`. */
export function chmodTree(dir: string, dirMode: number, fileMode: number): void {
  chmodSync(dir, dirMode);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) chmodTree(path, dirMode, fileMode);
    else chmodSync(path, fileMode);
  }
}

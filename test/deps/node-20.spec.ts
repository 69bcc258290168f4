// The Node version package.json names must be enough for everything npm installs, and the majors
// pinned back for it (package.json "overrides") must still offer what their callers call.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileTypeValidator } from '@nestjs/common';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import semver from 'semver';

const ROOT = process.cwd();
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; overrides: Record<string, Record<string, string>> };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string }; os?: string[]; cpu?: string[]; optional?: boolean }>;
};

describe('Node 20 support', () => {
  it('every package the lockfile installs here accepts the oldest Node that package.json names', () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    expect(semver.major(oldest)).toBe(20);
    const installsHere = (os?: string[], cpu?: string[]): boolean =>
      (!os || os.includes(process.platform)) && (!cpu || cpu.includes(process.arch));
    const refused = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.engines?.node && installsHere(p.os, p.cpu))
      .filter(([, p]) => !semver.satisfies(oldest, p.engines!.node!))
      .map(([path, p]) => `${path.replace(/^.*node_modules\//, '')}@${p.version} wants node ${p.engines!.node}`);
    expect(refused).toEqual([]);
  });

  it('pins content-disposition, cookie and file-type to majors for Node 20 through overrides', () => {
    expect(pkg.overrides).toEqual({
      '@fastify/static': { 'content-disposition': expect.any(String) },
      'light-my-request': { cookie: expect.any(String) },
      '@nestjs/common': { 'file-type': expect.any(String) },
    });
  });

  it('@fastify/static still names downloads with content-disposition (its create())', async () => {
    const app = Fastify();
    await app.register(fastifyStatic, { root: join(ROOT, 'seeds') });
    app.get('/download', (_request, reply) => reply.download('README.md', 'the seeds, explained.md'));
    try {
      const res = await app.inject({ method: 'GET', url: '/download' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toBe('attachment; filename="the seeds, explained.md"');
    } finally {
      await app.close();
    }
  });

  it('light-my-request (Fastify inject) still sends cookies through cookie (its stringifySetCookie())', async () => {
    const app = Fastify();
    app.get('/cookies', (request) => ({ cookie: request.headers.cookie }));
    try {
      const res = await app.inject({ method: 'GET', url: '/cookies', cookies: { session: 'a b', theme: 'dark' } });
      expect(res.json()).toEqual({ cookie: 'session=a%20b; theme=dark' });
    } finally {
      await app.close();
    }
  });

  it("@nestjs/common's FileTypeValidator still reads magic numbers through file-type (its fileTypeFromBuffer())", async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4fc0000000049454e44ae426082', 'hex');
    const validator = new FileTypeValidator({ fileType: 'image/png' });
    expect(await validator.isValid({ mimetype: 'image/png', buffer: png, size: png.length } as never)).toBe(true);
    // A text file that claims to be a PNG: only the magic numbers can tell.
    const text = Buffer.from('not a picture at all, just words');
    expect(await validator.isValid({ mimetype: 'image/png', buffer: text, size: text.length } as never)).toBe(false);
  });
});

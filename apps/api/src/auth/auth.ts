import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiKeyRing, type Role } from './api-keys.js';
import { APP_CONFIG } from '../tokens.js';
import type { AppConfig } from '../config.js';

export interface Actor {
  name: string;
  role: Role;
}

type RequestWithActor = FastifyRequest & { actor?: Actor };

const REQUIRED_ROLE = 'claimline:required-role';

/** Marks a route as needing a key of this role; `maintainer` keys may do what `editor` keys do. */
export const Requires = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

@Injectable()
export class ApiKeyGuard implements CanActivate {
  /** The role each route requires, read from its metadata once (the guard runs on every request). */
  private readonly roles = new WeakMap<object, Role | null>();

  constructor(
    private readonly reflector: Reflector,
    private readonly ring: ApiKeyRing,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const required = this.requiredRole(context);
    const request = context.switchToHttp().getRequest<RequestWithActor>();
    const header = request.headers.authorization;
    if (!required && !this.config.protectReads && !header) return true;
    if (!header) throw new UnauthorizedException('This route needs an API key: send "Authorization: Bearer <key>".');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const actor = match ? this.ring.identify(match[1]!) : undefined;
    if (!actor) throw new UnauthorizedException('The API key in the Authorization header is not known.');
    if (required === 'maintainer' && actor.role !== 'maintainer') {
      throw new ForbiddenException(`This route needs a maintainer key; "${actor.name}" is an ${actor.role}.`);
    }
    request.actor = actor;
    return true;
  }

  private requiredRole(context: ExecutionContext): Role | null {
    const handler = context.getHandler();
    let role = this.roles.get(handler);
    if (role === undefined) this.roles.set(handler, (role = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, [handler, context.getClass()]) ?? null));
    return role;
  }
}

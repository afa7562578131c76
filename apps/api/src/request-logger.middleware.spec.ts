import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import type { AuthenticatedRequest } from './auth/authenticated-request';
import { requestLogger } from './request-logger.middleware';

describe('the request log', () => {
  const logged = (request: Partial<AuthenticatedRequest>, status: number): string => {
    const lines: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void lines.push(String(message)));
    try {
      const response = Object.assign(new EventEmitter(), { statusCode: status }) as unknown as Response;
      requestLogger({ method: 'GET', ...request } as AuthenticatedRequest, response, (() => undefined) as NextFunction);
      response.emit('finish');
    } finally {
      spy.mockRestore();
    }
    return lines.join('\n');
  };

  it('names a routed request by its route pattern and the key holder, never the ids in its path', () => {
    const line = logged({ path: '/accounts/5981fcef5cb2bdcd5c00048a', route: { path: '/accounts/:id' }, keyHolder: { name: 'sam-support' } as AuthenticatedRequest['keyHolder'] }, 200);
    expect(line).toMatch(/^GET \/accounts\/:id 200 \d+\.\dms sam-support$/);
  });

  it('names a request no route took by its first path segment alone, so a name or id in a mistyped path is not logged', () => {
    expect(logged({ method: 'POST', path: '/districts/5a0c91b95c7cc000010d417c/sync' }, 404)).toMatch(/^POST \(no route: \/districts\/…\) 404 .* -$/);
    expect(logged({ path: '/accounts/search/Frances Dunn' }, 404)).not.toContain('Frances');
    expect(logged({ path: '/' }, 404)).toMatch(/^GET \(no route: \/\) 404 /);
    // an encoded slash or a backslash divides it too: a pasted name after it is not logged
    for (const path of ['/accounts%2FLuc%C3%ADa%20Pe%C3%B1a', '/accounts%2f5a25ffb0c1bc2a0036000401', '/accounts\\5a25ffb0c1bc2a0036000401', '/accounts%252F5a25ffb0c1bc2a00360003ed', '/accounts%3Fq%3DSteve%20Ziemann', '/accounts;5a25ffb0', '/accounts%EF%BC%8F5a25ffb0']) {
      expect(logged({ path }, 404)).toMatch(/^GET \(no route: \/accounts\/…\) 404 /);
    }
  });

  it('says a request refused before routing (a body that is not JSON) was refused, not that its path has no route', () => {
    expect(logged({ method: 'POST', path: '/syncs/0b7e/approve' }, 400)).toMatch(/^POST \(refused before routing: \/syncs\/…\) 400 /);
  });

  it('says a request of a method its path does not take (405) had no route for that method', () => {
    expect(logged({ method: 'DELETE', path: '/syncs/0b7e' }, 405)).toMatch(/^DELETE \(no route for this method: \/syncs\/…\) 405 /);
  });
});

import { createHash } from 'node:crypto';
import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { ApiKeyRegistry } from './auth/api-key-registry';
import type { AuthenticatedRequest } from './auth/authenticated-request';
import { bodyGate } from './body-gate.middleware';

describe('the body gate', () => {
  const keys = new ApiKeyRegistry([{ name: 'ada', role: 'admin', sha256: createHash('sha256').update('ada-key').digest('hex') }]);
  const request = (headers: Record<string, string>) =>
    ({ headers: Object.fromEntries(Object.entries(headers).map(([n, v]) => [n.toLowerCase(), v])), rawHeaders: Object.entries(headers).flat(), is: (type: string) => headers['Content-Type'] === type }) as unknown as AuthenticatedRequest;
  const pass = (req: AuthenticatedRequest) => {
    const next = jest.fn() as jest.MockedFunction<NextFunction>;
    bodyGate(keys)(req, {} as Response, next);
    return next.mock.calls[0]?.[0];
  };

  it('names the key holder of a body it refuses, for the request log', () => {
    const textBody = request({ Authorization: 'Bearer ada-key', 'Content-Type': 'text/plain', 'Content-Length': '14' });
    expect(pass(textBody)).toBeInstanceOf(UnsupportedMediaTypeException);
    expect(textBody.keyHolder).toEqual({ name: 'ada', role: 'admin' });
    const jsonBody = request({ Authorization: 'Bearer ada-key', 'Content-Type': 'application/json', 'Content-Length': '2' });
    expect(pass(jsonBody)).toBeUndefined();
    expect(jsonBody.keyHolder?.name).toBe('ada');
  });

  it('lets a request without a body through untouched, and refuses a body without a valid key', () => {
    const get = request({ Authorization: 'Bearer ada-key' });
    expect(pass(get)).toBeUndefined();
    expect(get.keyHolder).toBeUndefined();
    const keyless = request({ 'Content-Type': 'application/json', 'Content-Length': '2' });
    expect((pass(keyless) as unknown as Error).constructor.name).toBe('Unauthenticated');
  });
});

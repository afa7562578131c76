import { QuietStartupLogger } from './quiet-startup.logger';

describe("serve's logger", () => {
  const logged = (write: (logger: QuietStartupLogger) => void): string => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      write(new QuietStartupLogger());
    } finally {
      spy.mockRestore();
    }
    // without the colours Nest adds on a terminal
    return lines.join('').replace(/\u001b\[[0-9;]*m/g, '');
  };

  it('stamps each line in ISO-8601 UTC, whatever the locale and zone it runs in', () => {
    const zone = process.env['TZ'];
    process.env['TZ'] = 'Europe/Berlin';
    try {
      const line = logged((logger) => logger.log('GET /syncs 200', 'Http'));
      expect(line).toMatch(/^\[Nest\] \d+ {2}- \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z +LOG \[Http\] GET \/syncs 200\n$/);
    } finally {
      if (zone === undefined) delete process.env['TZ'];
      else process.env['TZ'] = zone;
    }
  });

  it("leaves out Nest's start-up listing of modules and routes, and writes the rest to stderr", () => {
    expect(logged((logger) => logger.log('AppModule dependencies initialized', 'InstanceLoader'))).toBe('');
    expect(logged((logger) => logger.warn('read model accounts started over', 'ProjectionRunner'))).toContain('read model accounts started over');
  });
});

/**
 * Resolves on the first SIGINT or SIGTERM. A second one while the server is stopping means the
 * person is in a hurry: `onRepeat` decides (usually: exit now).
 */
export function shutdownSignal(onRepeat: (signal: NodeJS.Signals) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals) => {
      if (received) return onRepeat(signal);
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

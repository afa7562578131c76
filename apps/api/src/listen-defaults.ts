/** Where the API listens unless told otherwise (`serve --port/--host`, the API's own `main`). */
export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = '127.0.0.1';

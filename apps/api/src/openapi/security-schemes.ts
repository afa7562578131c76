/** Names of the two ways to present an API key, as the OpenAPI document calls them. */
export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'api-key';

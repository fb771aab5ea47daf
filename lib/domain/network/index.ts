/** Network addresses: what kind an IP address is, and whether a callback URL may be called (the SSRF guard). */
export * from './address';
export * from './callback';

/** This library's version, reported to the extension and on spans. Kept in step with package.json by a test. */
export const LIBRARY_VERSION = '0.1.0';

// The tool's name and version, from package.json (bundled in by esbuild, so dist/cli.js needs no lookup).
import pkg from '../../package.json';

export const TOOL_NAME = 'pagecheck';
export const TOOL_VERSION: string = pkg.version;
export const INFORMATION_URI = 'https://github.com/pagecheck/pagecheck';

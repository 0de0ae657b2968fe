import { library } from '../../tsup.base';

// The map points at the shipped src/ rather than embedding it: sourcesContent would carry the
// base64 wasm module a second time (it already ships in dist/index.js and src/generated/).
export default library({ esbuildOptions: (o) => void (o.sourcesContent = false) });

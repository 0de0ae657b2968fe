import { library } from '../../tsup.base';

// Tensor implements `[Symbol.dispose]` (`using`): the bundled .d.ts names the lib that declares it,
// so a consumer on `target: es2022` with its default lib type-checks it without skipLibCheck.
export default library({ dts: { banner: '/// <reference lib="esnext.disposable" />' } });

import { library } from '../../tsup.base';

export default library({
  entry: { index: 'src/index.ts', vitest: 'src/vitest.ts', testkit: 'src/testkit.ts', cli: 'src/cli.ts', gpt: 'src/models/gpt.ts' },
  dts: { entry: { index: 'src/index.ts', vitest: 'src/vitest.ts', testkit: 'src/testkit.ts', gpt: 'src/models/gpt.ts' } },
});

import { library } from '../../tsup.base';

export default library({
  entry: ['src/index.ts', 'src/vitest.ts', 'src/testkit.ts', 'src/cli.ts'],
  dts: { entry: ['src/index.ts', 'src/vitest.ts', 'src/testkit.ts'] },
});

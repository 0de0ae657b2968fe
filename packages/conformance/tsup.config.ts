import { library } from '../../tsup.base';

export default library({ entry: ['src/index.ts', 'src/cli.ts', 'src/testkit.ts'], dts: { entry: ['src/index.ts', 'src/testkit.ts'] } });

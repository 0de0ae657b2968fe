import { library } from '../../tsup.base';

// The declarations name WebGPU types (GPUBuffer, GPUDevice): consumers get them from @webgpu/types.
export default library({ dts: { banner: '/// <reference types="@webgpu/types" />' } });

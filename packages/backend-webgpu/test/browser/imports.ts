export * from '@tensile/core';
import '@tensile/backend-cpu';
import { webgpuBackend } from '@tensile/backend-webgpu';

/** Which adapter the backend found. */
export const webgpuReason = (): string | null => (webgpuBackend.source === undefined ? null : `${webgpuBackend.source}${webgpuBackend.subgroups ? ' with subgroups' : ''}`);

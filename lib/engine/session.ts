/** ONNX Runtime sessions on a chosen execution provider, with errors that say how to fix them. */
import * as ort from 'onnxruntime-node';
import { DEFAULT_DEVICE, DEFAULT_THREADS } from '../defaults';
import type { Device } from './types';
import { checkInteger } from '../validate';

export const DEVICES: readonly Device[] = ['cpu', 'cuda', 'webgpu'];

export interface SessionOptions {
  /** execution provider [default: DEFAULT_DEVICE] */
  readonly device?: Device;
  /** intra-op threads; 0 lets ONNX Runtime choose [default: DEFAULT_THREADS] */
  readonly threads?: number;
  /** ONNX Runtime graph optimisation level [default: 'all'] */
  readonly optimization?: 'disabled' | 'basic' | 'extended' | 'all';
}

const INSTALL_HINT: Record<Device, string> = {
  cpu: '',
  cuda: 'the CUDA provider is not installed: fetch it with `ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install` '
    + '(needs CUDA 12 and cuDNN 9 on the machine)',
  webgpu: 'the WebGPU provider could not start: it needs a GPU with Vulkan (Linux), Metal (macOS) or D3D12 (Windows) drivers',
};

export function checkDevice(device: string): Device {
  if (!(DEVICES as readonly string[]).includes(device)) {
    throw new RangeError(`--device must be one of ${DEVICES.join(', ')}, got '${device}'`);
  }
  return device as Device;
}

export function checkThreads(threads: number): number {
  return checkInteger('--threads', threads, 0, 1024);
}

export async function createSession(model: Uint8Array, options: SessionOptions = {}): Promise<ort.InferenceSession> {
  const device = checkDevice(options.device ?? DEFAULT_DEVICE);
  const threads = checkThreads(options.threads ?? DEFAULT_THREADS);
  if (device !== 'cpu') {
    const backends = ort.listSupportedBackends?.() ?? [];
    const entry = backends.find((b) => b.name === device);
    if (!entry) throw new Error(`--device ${device}: ${INSTALL_HINT[device]}`);
  }
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: [device],
    graphOptimizationLevel: options.optimization ?? 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    // ORT warns about every unused initializer the exporter left; errors still throw.
    logSeverityLevel: 3,
  };
  try {
    return await ort.InferenceSession.create(model, sessionOptions);
  } catch (err) {
    const message = (err as Error).message;
    if (device !== 'cpu') throw new Error(`--device ${device}: ${INSTALL_HINT[device]} (${message})`);
    throw err;
  }
}

export { ort };

// Turns any thrown value into what the user should read: a title, what happened, and what to do.
export interface UserMessage {
  title: string;
  message: string;
  hint: string;
  name: string;
}

const titles: Record<string, string> = {
  WebGPUNotAvailableError: 'WebGPU is not available',
  ShaderF16SupportError: 'This GPU cannot run this model variant',
  DeviceLostError: 'The GPU gave up (probably out of memory)',
  ContextWindowExceededError: 'Too long for this model',
  StorageQuotaError: 'Out of storage space',
  StorageQuotaExceededError: 'Out of storage space',
  StorageBlockedError: 'Another Arbiter tab is in the way',
  StorageVersionError: 'A newer Arbiter is open in another tab',
  StorageUnavailableError: 'Browser storage is unavailable',
  NetworkError: 'Download failed',
  ModelNotLoadedError: 'No model loaded',
  EngineCrashedError: 'The model engine stopped',
  AbortedError: 'Stopped',
  ServerUnreachableError: 'Server not reachable',
  ServerError: 'The server answered with an error',
  ServerAuthError: 'The server refused the key',
  RateLimitError: 'The server is busy',
  ServerTimeoutError: 'The server timed out',
  StreamDroppedError: 'The connection dropped',
  MissingModelFileError: 'A model file is missing',
  ModelFileMismatchError: 'A model file is damaged or wrong',
  ModelLibraryMismatchError: 'The model library does not fit',
  ModelWeightsMismatchError: 'These weights belong to another model',
  PanelRunsError: 'These runs cannot be reviewed as a panel',
};

/** Any error, including ones with a `hint` (engine and storage errors), as a message for the UI. */
export function toUserMessage(err: unknown): UserMessage {
  if (err instanceof Error) {
    const hint = (err as { hint?: unknown }).hint;
    return {
      name: err.name,
      title: titles[err.name] ?? 'Something went wrong',
      message: err.message,
      hint: typeof hint === 'string' ? hint : '',
    };
  }
  return { name: 'Error', title: 'Something went wrong', message: String(err), hint: '' };
}

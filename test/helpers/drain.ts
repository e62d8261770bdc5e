import { get } from 'node:http';

/** Reads a response to its end, keeping only its length, as a browser's fetch of an asset would. */
export function drain(url: string, acceptEncoding: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { accept: 'text/html', 'accept-encoding': acceptEncoding } }, (response) => {
      let length = 0;
      response.on('data', (chunk: Buffer) => {
        length += chunk.length;
      });
      response.on('end', () => resolve(length)).on('error', reject);
    }).on('error', reject);
  });
}

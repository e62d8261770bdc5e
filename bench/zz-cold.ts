import { coldPath } from './cold-path.js';

for (let i = 0; i < 3; i++) {
  const r = await coldPath(0, 1000);
  console.log(JSON.stringify(r.addedMs), JSON.stringify(r.gateway), JSON.stringify(r.standIn));
}

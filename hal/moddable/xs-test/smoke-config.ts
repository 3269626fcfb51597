// mc/config for the main.ts smoke test (evaluated before main.ts: imported first).
import { FakeConfig } from "./fakes.js";

FakeConfig.lwm2mEndpoint = "xs-smoke";
FakeConfig.lwm2mServer = "coap://192.0.2.1:5683";
FakeConfig.lwm2mLocalPort = 56830;
FakeConfig.lwm2mBoard = "esp32";
FakeConfig.lwm2mConfig = { maxDatagram: 1152, requestRingDepth: 2, responseRingDepth: 4, dedupEntries: 4, maxPeers: 3, maxServers: 2,
  maxObservations: 8, maxInstances: 32, maxValues: 192, arenaBytes: 3072, maxPayload: 2048, blockSize: 512 };

import '@testing-library/jest-dom';

// A whole test app can take several seconds to start on a loaded 2-core
// machine; the 5 s default made tests fail for time alone.
jest.setTimeout(30_000);

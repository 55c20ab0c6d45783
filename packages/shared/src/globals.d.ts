// Globals that every runtime of this package has (Node ≥ 16, browsers, Electron), declared here
// because the package compiles without DOM or Node type libraries on purpose.
declare function atob(data: string): string;
declare function btoa(data: string): string;

// `vmatrix explain`: why one cell failed where its nearest cells passed.
export {};

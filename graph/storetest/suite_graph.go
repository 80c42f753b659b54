package storetest

var graphTests = []subtest{}

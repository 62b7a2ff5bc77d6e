module headroom/bench/loadtarget

go 1.19

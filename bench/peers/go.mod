module relengapi-proxy/bench/peers

go 1.19
